package org.ezshop.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Inverts {@link NoBlockedEventLoops} for one test: it fails unless a Vert.x thread was reported blocked. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ExpectsBlockedEventLoop {
}

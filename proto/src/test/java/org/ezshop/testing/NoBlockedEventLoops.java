package org.ezshop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ezshop.rpc.EventLoops;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or a class, for work done in its before/after-all methods) during which any Vert.x
 * instance made by {@link EventLoops} reported a blocked thread. Registered for every test through
 * JUnit's extension auto-detection (enabled in the parent pom).
 */
public final class NoBlockedEventLoops
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoBlockedEventLoops.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    remember(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    remember(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context);
  }

  private static void remember(ExtensionContext context) {
    context.getStore(NS).put("blocked", EventLoops.blockedCount());
  }

  private static void check(ExtensionContext context) {
    long before = context.getStore(NS).getOrDefault("blocked", Long.class, EventLoops.blockedCount());
    boolean expected = context.getTestMethod().map(m -> m.isAnnotationPresent(ExpectsBlockedEventLoop.class)).orElse(false);
    if (expected) {
      assertTrue(EventLoops.blockedCount() > before, "expected a blocked-thread report during " + context.getDisplayName());
      context.getParent().ifPresent(NoBlockedEventLoops::remember); // the class-level check must not count it
    } else {
      assertEquals(before, EventLoops.blockedCount(),
          "a Vert.x thread was blocked during " + context.getDisplayName() + " (stack trace in the log)");
    }
  }
}

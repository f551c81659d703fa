package org.ezshop.store.storage;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** google.protobuf.Timestamp to and from Instant. */
public final class Stamps {

  private Stamps() {
  }

  public static Timestamp of(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** Now, to the microsecond: what PostgreSQL keeps, so a record reads back equal to what was written. */
  public static Timestamp now() {
    return of(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}

package org.ezshop.rpc;

import com.google.protobuf.Timestamp;

/** Milliseconds to and from protobuf Timestamps and Durations (Java 11: the edge agents use it too). */
public final class EpochMillis {

  private EpochMillis() {
  }

  public static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000L))
        .setNanos((int) Math.floorMod(epochMillis, 1000L) * 1_000_000).build();
  }

  /** A span of milliseconds (negative too) as a protobuf Duration. */
  public static com.google.protobuf.Duration duration(long millis) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  public static long of(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}

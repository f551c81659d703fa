package org.ezshop.rpc;

import com.google.protobuf.Timestamp;

/** Epoch milliseconds to and from protobuf Timestamps (Java 11: the edge agents use it too). */
public final class EpochMillis {

  private EpochMillis() {
  }

  public static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000L))
        .setNanos((int) Math.floorMod(epochMillis, 1000L) * 1_000_000).build();
  }

  public static long of(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}

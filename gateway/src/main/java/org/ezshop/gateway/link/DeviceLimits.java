package org.ezshop.gateway.link;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one device may send: messages and bytes a second, with {@link #BURST_SECONDS} of either to spend at once, so
 * that a backlog resent after a reconnect goes through while a device sending flat out is stopped. Each device
 * keeps its allowance across reconnects. A device over it has its stream ended with RESOURCE_EXHAUSTED naming the
 * limit; what it sent and was not acked it sends again, later.
 */
public final class DeviceLimits {

  public static final int DEFAULT_MESSAGES_PER_SECOND = 200;
  public static final long DEFAULT_BYTES_PER_SECOND = 16L << 20;
  static final int BURST_SECONDS = 10;

  /** @param messagesPerSecond EdgeLink messages; @param bytesPerSecond their serialized size */
  public record Settings(int messagesPerSecond, long bytesPerSecond) {
    public static Settings defaults() {
      return new Settings(DEFAULT_MESSAGES_PER_SECOND, DEFAULT_BYTES_PER_SECOND);
    }
  }

  private final Settings settings;
  private final Map<String, Allowance> devices = new ConcurrentHashMap<>();
  private final LongAdder messagesRefused = new LongAdder();
  private final LongAdder bytesRefused = new LongAdder();

  public DeviceLimits(Settings settings) {
    this.settings = settings;
  }

  /** Spends one message of {@code bytes} from the device's allowance; the limit it is over, or null. */
  String spend(String deviceId, int bytes, long nowMillis) {
    Allowance a = devices.computeIfAbsent(deviceId, id -> new Allowance(settings, nowMillis));
    synchronized (a) {
      a.refill(settings, nowMillis);
      if (a.messages < 1) {
        messagesRefused.increment();
        return "at most " + settings.messagesPerSecond()
            + " messages a second per device (--device-messages-per-second)";
      }
      if (a.bytes < bytes) {
        bytesRefused.increment();
        return "at most " + settings.bytesPerSecond() + " bytes a second per device (--device-bytes-per-second)";
      }
      a.messages -= 1;
      a.bytes -= bytes;
      return null;
    }
  }

  /** Streams ended for sending more messages a second than allowed. */
  public long messagesRefused() {
    return messagesRefused.sum();
  }

  /** Streams ended for sending more bytes a second than allowed. */
  public long bytesRefused() {
    return bytesRefused.sum();
  }

  private static final class Allowance {
    double messages;
    double bytes;
    long at;

    Allowance(Settings s, long now) {
      messages = (double) s.messagesPerSecond() * BURST_SECONDS;
      bytes = (double) s.bytesPerSecond() * BURST_SECONDS;
      at = now;
    }

    void refill(Settings s, long now) {
      double seconds = Math.max(0, now - at) / 1000.0;
      at = Math.max(at, now);
      messages = Math.min((double) s.messagesPerSecond() * BURST_SECONDS, messages + seconds * s.messagesPerSecond());
      bytes = Math.min((double) s.bytesPerSecond() * BURST_SECONDS, bytes + seconds * s.bytesPerSecond());
    }
  }
}

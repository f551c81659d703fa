package org.ezshop.gateway.link;

/** What the gateway knows of one device across its streams: acks, clock, and whether it is linked now. */
public final class DeviceLink {

  final String deviceId;
  final ClockOffset clock = new ClockOffset();
  // Data messages per second of the last minute: one slot per second.
  private final long[] perSecond = new long[60];
  private long slotSecond;
  org.ezshop.common.v1.DeviceKind kind = org.ezshop.common.v1.DeviceKind.DEVICE_KIND_UNSPECIFIED;
  String softwareVersion = "";
  long acked;
  /** Highest seq taken into processing by any of the device's streams (acked or not yet). */
  long accepted;
  boolean connected;
  long lastSeenMillis;
  long readings;
  long frames;
  long deviceDropped;
  EdgeSession session;

  DeviceLink(String deviceId) {
    this.deviceId = deviceId;
  }

  public String deviceId() {
    return deviceId;
  }

  /** Counts one data message at {@code nowMillis}. Called with the link's lock held. */
  void counted(long nowMillis) {
    long second = nowMillis / 1000;
    advance(second);
    perSecond[(int) (second % 60)]++;
  }

  private void advance(long second) {
    for (long s = Math.max(slotSecond + 1, second - 59); s <= second; s++) {
      perSecond[(int) (s % 60)] = 0;
    }
    slotSecond = Math.max(slotSecond, second);
  }

  /** Data messages per second over the last minute. */
  public synchronized double messagesPerSecond(long nowMillis) {
    advance(nowMillis / 1000);
    long sum = 0;
    for (long n : perSecond) {
      sum += n;
    }
    return sum / 60.0;
  }

  public synchronized org.ezshop.common.v1.DeviceKind kind() {
    return kind;
  }

  public synchronized String softwareVersion() {
    return softwareVersion;
  }

  public synchronized boolean connected() {
    return connected;
  }

  public synchronized long acked() {
    return acked;
  }

  public synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  /** Device clock minus gateway clock, in millis. */
  public synchronized long clockOffsetMillis() {
    return clock.offset();
  }

  public synchronized long readings() {
    return readings;
  }

  public synchronized long frames() {
    return frames;
  }

  /** Readings or frames the device reported lost (its outbox or frame buffer overflowed). */
  public synchronized long deviceDropped() {
    return deviceDropped;
  }
}

package org.ezshop.gateway.link;

/** What the gateway knows of one device across its streams: acks, clock, and whether it is linked now. */
public final class DeviceLink {

  final String deviceId;
  final ClockOffset clock = new ClockOffset();
  long acked;
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

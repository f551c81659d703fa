package org.ezshop.pi.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ezshop.rpc.Tls;

/**
 * Everything a shelf agent is told by its config file (see pi-edge/shelf.example.yaml).
 *
 * @param deviceId  the id the device was registered with
 * @param token     its bearer token
 * @param gateways  host:port of the gateway's EdgeLink; with more than one, the others in turn when it is down
 * @param tls       TLS to the gateway: the CA to trust, and the device's own certificate if it has one; none:
 *                  plaintext
 * @param outbox    where and how much to keep while unacked
 * @param batch     when to send
 * @param sensors   the sensors wired to this Pi
 */
public record ShelfConfig(String deviceId, String token, List<String> gateways, Tls tls, Outbox outbox,
    Batch batch, List<Sensor> sensors) {

  /** @param syncEvery force the outbox to disk every this many batches */
  public record Outbox(Path dir, long maxBytes, int syncEvery) {
  }

  /** A batch goes when it holds {@code maxReadings} or its oldest reading has waited {@code maxWait}. */
  public record Batch(int maxReadings, Duration maxWait) {
  }

  /** What kind of sensor, and how it is read. */
  public enum Kind {
    /** HC-SR04: trigger and echo pins. */
    ULTRASONIC,
    /** LDR module's digital output, high (dark) while covered. */
    LIGHT,
    /** LDR charging a capacitor: charge and sense pins, dark when charging takes longer than a threshold. */
    LIGHT_RC,
    /** HX711 load-cell ADC: data and clock pins. */
    HX711
  }

  /**
   * One sensor. Pins are BCM GPIO numbers; which ones a kind uses is in {@link Kind}.
   *
   * @param pins       kind-specific pins by role ("trigger", "echo", "signal", "charge", "sense", "data", "clock")
   * @param rateHz     samples per second
   * @param pings      ultrasonic: pings per sample (the median is reported)
   * @param timeout    ultrasonic: longest wait for an echo; hx711: for a conversion; light_rc: for a charge
   * @param gain       hx711: 128 or 64 (channel A) or 32 (channel B)
   * @param tare       hx711: raw count with the row empty
   * @param countsPerGram hx711: raw counts per gram
   * @param darkAbove  light_rc: a charge slower than this means dark
   */
  public record Sensor(String id, String row, Kind kind, Map<String, Integer> pins, double rateHz, int pings,
      Duration timeout, int gain, double tare, double countsPerGram, Duration darkAbove) {
  }
}

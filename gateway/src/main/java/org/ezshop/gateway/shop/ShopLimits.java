package org.ezshop.gateway.shop;

import java.util.function.LongSupplier;

/**
 * The limits on ShopService's callers. LoginWithFace, where a face is a password: a few attempts a minute from one
 * source address (a brute force with a stack of photos meets a wall), matched at a threshold stricter than the
 * sightings' (a login admits someone, a sighting only weighs evidence). And a few calls a second per shopper
 * session, so that a looping page cannot keep the services busy.
 */
public final class ShopLimits {

  /**
   * @param loginThreshold        match score LoginWithFace needs
   * @param loginsPerMinute       LoginWithFace attempts one source address may make in any minute
   * @param sessionCallsPerSecond calls one shopper session may make in any second
   */
  public record Settings(float loginThreshold, int loginsPerMinute, int sessionCallsPerSecond) {

    /**
     * 0.65: 0.20 above the highest score between two different people of the faces.md portraits (0.447) and 0.05
     * below the lowest between two photos of one person (0.701); the sightings' 0.55 sits nearer the first.
     */
    public static final float DEFAULT_LOGIN_THRESHOLD = 0.65f;
    public static final int DEFAULT_LOGINS_PER_MINUTE = 20;
    /** The shopper page makes two calls on load and one stream; ten a second is far past any person's pace. */
    public static final int DEFAULT_SESSION_CALLS_PER_SECOND = 10;

    public static Settings defaults() {
      return new Settings(DEFAULT_LOGIN_THRESHOLD, DEFAULT_LOGINS_PER_MINUTE, DEFAULT_SESSION_CALLS_PER_SECOND);
    }
  }

  private final Settings settings;
  private final RateLimit logins;
  private final RateLimit sessions;

  public ShopLimits(Settings settings, LongSupplier clock) {
    this.settings = settings;
    this.logins = new RateLimit("LoginWithFace: at most " + settings.loginsPerMinute()
        + " attempts a minute from one address", settings.loginsPerMinute(), 60_000, clock);
    this.sessions = new RateLimit("at most " + settings.sessionCallsPerSecond() + " calls a second per session",
        settings.sessionCallsPerSecond(), 1000, clock);
  }

  float loginThreshold() {
    return settings.loginThreshold();
  }

  /** Counts a face login from {@code address}, or refuses it with RESOURCE_EXHAUSTED naming the limit. */
  void login(String address) {
    logins.take(address);
  }

  /** Counts a call of {@code shopperId}'s session, or refuses it the same way. */
  void sessionCall(String shopperId) {
    sessions.take(shopperId);
  }

  /** Logins refused for their address's rate. */
  public long loginsRefused() {
    return logins.refused();
  }

  /** Session calls refused for their session's rate. */
  public long sessionCallsRefused() {
    return sessions.refused();
  }
}

package org.ezshop.rpc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shopper session tokens: "s1.<shopper id>.<expiry epoch seconds>.<HMAC-SHA256>", issued by the gateway at
 * face login and checked by every service that shares the secret. Nothing is stored server-side.
 */
public final class SessionTokens {

  private static final String VERSION = "s1";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;

  /** @param secret at least 32 bytes */
  public SessionTokens(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the session secret must be at least 32 bytes, not " + secret.length);
    }
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  public String issue(String shopperId, Instant expires) {
    String body = VERSION + "." + B64.encodeToString(shopperId.getBytes(StandardCharsets.UTF_8)) + "."
        + expires.getEpochSecond();
    return body + "." + B64.encodeToString(mac(body));
  }

  /** The shopper id, when the token is ours, intact and not expired. */
  public Optional<String> verify(String token, Instant now) {
    int last = token.lastIndexOf('.');
    String[] parts = token.split("\\.");
    if (last < 0 || parts.length != 4 || !parts[0].equals(VERSION)) {
      return Optional.empty();
    }
    byte[] expected = mac(token.substring(0, last));
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(parts[3]);
      if (!MessageDigest.isEqual(expected, given) || Long.parseLong(parts[2]) <= now.getEpochSecond()) {
        return Optional.empty();
      }
      return Optional.of(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

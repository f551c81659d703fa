package org.ezshop.gateway.link;

import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.store.v1.AuthenticateDeviceRequest;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/** Device tokens checked against store-svc's registry, remembered briefly (by hash) so reconnects stay cheap. */
final class DeviceAuth {

  private static final int MAX_CACHED = 10_000;

  private final ServiceClient store;
  private final long ttlMillis;
  private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > MAX_CACHED;
    }
  };

  private record Cached(Device device, long until) {
  }

  DeviceAuth(ServiceClient store, long ttlMillis) {
    this.store = store;
    this.ttlMillis = ttlMillis;
  }

  /** The device the token belongs to; UNAUTHENTICATED for an unknown token, UNAVAILABLE without store-svc. */
  Future<Device> device(String token) {
    String key = hash(token);
    long now = System.currentTimeMillis();
    synchronized (cache) {
      Cached hit = cache.get(key);
      if (hit != null && hit.until > now) {
        return Future.succeededFuture(hit.device);
      }
    }
    return store.call(StoreServiceGrpcClient.AuthenticateDevice, AuthenticateDeviceRequest.newBuilder()
            .setToken(token).build())
        .map(response -> {
          synchronized (cache) {
            cache.put(key, new Cached(response.getDevice(), now + ttlMillis));
          }
          return response.getDevice();
        })
        .recover(failure -> Future.failedFuture(failure instanceof StatusException
            && ((StatusException) failure).status() == GrpcStatus.UNAUTHENTICATED
            ? new StatusException(GrpcStatus.UNAUTHENTICATED, "unknown device token") : failure));
  }

  /** Forgets the device's tokens: its next connect asks store-svc again. */
  void forget(String deviceId) {
    synchronized (cache) {
      cache.values().removeIf(cached -> cached.device.getDeviceId().equals(deviceId));
    }
  }

  private static String hash(String token) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

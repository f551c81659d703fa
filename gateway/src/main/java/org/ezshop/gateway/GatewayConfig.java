package org.ezshop.gateway;

import io.vertx.core.net.SocketAddress;

/**
 * Settings of the gateway.
 *
 * @param host           address to bind
 * @param port           gRPC port for edges and apps (0 picks a free one)
 * @param storeTarget    where store-svc listens
 * @param identityTarget where identity-svc listens
 * @param maxFrameBytes  largest edge message (camera frame) accepted, in bytes
 */
public record GatewayConfig(String host, int port, SocketAddress storeTarget, SocketAddress identityTarget,
    int maxFrameBytes) {

  public static final int DEFAULT_PORT = 7000;
  public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;
}

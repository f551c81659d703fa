package org.ezshop.identity;

/**
 * Settings of identity-svc.
 *
 * @param host            address to bind
 * @param port            gRPC port (0 picks a free one)
 * @param maxImageBytes   largest image accepted, in bytes
 */
public record IdentityConfig(String host, int port, int maxImageBytes) {

  public static final int DEFAULT_PORT = 7002;
  public static final int DEFAULT_MAX_IMAGE_BYTES = 8 << 20;
}

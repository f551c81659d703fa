package org.ezshop.rpc;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/** {@link Tls} on Vert.x HTTP servers and clients (gRPC, the web pages, /metrics). */
public final class TlsOptions {

  private TlsOptions() {
  }

  /** The server options, with TLS (and ALPN, so gRPC gets HTTP/2) when {@code tls} serves. */
  public static HttpServerOptions server(Tls tls, HttpServerOptions options) {
    return tls.serves() ? options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(tls.cert().get().toString()).setKeyPath(tls.key().get().toString())) : options;
  }

  /**
   * Server options that ask every client for a certificate from {@code ca} and refuse one from elsewhere at the
   * handshake; a client with none still connects (apps on the same port), and a service that needs one checks.
   */
  public static HttpServerOptions askingClientCertificates(HttpServerOptions options, Path ca) {
    return options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
  }

  /** The client options, with TLS that checks the server's certificate and name when {@code tls} trusts a CA. */
  public static HttpClientOptions client(Tls tls, HttpClientOptions options) {
    return tls.trusts() ? options.setSsl(true).setUseAlpn(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().get().toString())) : options;
  }
}

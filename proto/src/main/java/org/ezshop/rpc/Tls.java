package org.ezshop.rpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS of the platform's connections, as PEM files: a server's (or a device's client) certificate with its chain
 * and private key (PKCS#8 or PKCS#1), and the CA certificate a client trusts servers' certificates by. With none,
 * plaintext.
 * Android-safe (Java 11, no Vert.x: {@link TlsOptions} maps it onto Vert.x servers and clients).
 */
public final class Tls {

  public static final Tls OFF = new Tls(Optional.empty(), Optional.empty(), Optional.empty());

  private final Optional<Path> cert;
  private final Optional<Path> key;
  private final Optional<Path> ca;

  public Tls(Optional<Path> cert, Optional<Path> key, Optional<Path> ca) {
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate");
    }
    this.cert = cert;
    this.key = key;
    this.ca = ca;
  }

  public Optional<Path> cert() {
    return cert;
  }

  public Optional<Path> key() {
    return key;
  }

  public Optional<Path> ca() {
    return ca;
  }

  /** A client's: trusting servers whose certificates chain to {@code ca}. */
  public static Tls trusting(Path ca) {
    return new Tls(Optional.empty(), Optional.empty(), Optional.of(ca));
  }

  /** Whether servers listen with TLS. */
  public boolean serves() {
    return cert.isPresent();
  }

  /** Whether clients connect with TLS. */
  public boolean trusts() {
    return ca.isPresent();
  }

  /** "https" or "http", for the web pages and /metrics. */
  public String scheme() {
    return serves() ? "https" : "http";
  }

  /** For grpc-java servers: the certificate and key, or plaintext. */
  public ServerCredentials serverCredentials() {
    if (!serves()) {
      return InsecureServerCredentials.create();
    }
    try {
      return TlsServerCredentials.create(cert.get().toFile(), key.get().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS certificate " + cert.get() + " or its key", e);
    }
  }

  /** For grpc-java channels (Netty or OkHttp): TLS trusting the CA, or plaintext. */
  public ChannelCredentials credentials() {
    return credentials(false);
  }

  /** For a device's channel: TLS trusting the CA, presenting the certificate and key as its own (mutual TLS). */
  public ChannelCredentials deviceCredentials() {
    return credentials(true);
  }

  private ChannelCredentials credentials(boolean presentCertificate) {
    if (!trusts()) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ca.get().toFile());
      if (presentCertificate && serves()) {
        tls.keyManager(cert.get().toFile(), key.get().toFile());
      }
      return tls.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS CA " + ca.get() + " or the device's certificate", e);
    }
  }

  /** For JDK clients (java.net.http, HttpsURLConnection): trusting the CA only. */
  public SSLContext sslContext() {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(ca.orElseThrow())) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the TLS CA " + ca + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Tls[cert=" + cert + ", key=" + key + ", ca=" + ca + "]";
  }
}

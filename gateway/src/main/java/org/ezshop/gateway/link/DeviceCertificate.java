package org.ezshop.gateway.link;

import io.vertx.core.http.HttpConnection;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The device a client certificate names: its subject's CN, or a URI subject alternative name. */
final class DeviceCertificate {

  private static final int URI_NAME = 6;

  private DeviceCertificate() {
  }

  /** The names the connection's verified client certificate gives; empty without one. */
  static Set<String> names(HttpConnection connection) {
    Set<String> names = new LinkedHashSet<>();
    try {
      List<Certificate> chain = connection.isSsl() ? connection.peerCertificates() : List.of();
      if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) {
        return names;
      }
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (((Integer) san.get(0)) == URI_NAME) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      return names; // no certificate offered
    } catch (InvalidNameException | CertificateParsingException e) {
      throw new IllegalStateException("a verified client certificate with an unreadable name", e);
    }
    return names;
  }
}

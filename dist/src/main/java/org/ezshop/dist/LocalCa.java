package org.ezshop.dist;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ezshop.rpc.Tls;

/**
 * `--tls auto`: this installation's own CA and a server certificate it signed, in {@code DATA_DIR/tls}, made on
 * first start and reused after. The server certificate is made anew when it does not name every name asked for,
 * or nears its end. EC P-256 keys, signed by the JDK; Bouncy Castle builds the X.509 structures. Processes started
 * together (a chaos run, a test) share the files through a lock.
 */
final class LocalCa {

  static final String CA = "ca.pem";
  private static final String CA_KEY = "ca-key.pem";
  private static final String CERT = "server.pem";
  private static final String KEY = "server-key.pem";
  private static final Duration CA_LIFE = Duration.ofDays(3650);
  private static final Duration LEAF_LIFE = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final Pattern IP = Pattern.compile("[0-9.]+|.*:.*");

  private final Path dir;

  LocalCa(Path dataDir) {
    this.dir = dataDir.toAbsolutePath().resolve("tls");
  }

  Path caFile() {
    return dir.resolve(CA);
  }

  /**
   * The names a server certificate covers: loopback, this host's name and addresses (a gateway reaches the replicas
   * behind one DNS name by address), and {@code extra}.
   */
  static Set<String> names(List<String> extra) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).ifPresent(names::add);
    }
    try {
      NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
          .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
          .forEach(a -> names.add(a.getHostAddress().replaceFirst("%.*$", "")));
    } catch (IOException e) {
      // No interfaces to list: loopback and the names given still hold.
    }
    names.addAll(extra);
    return names;
  }

  /** The server's TLS, trusting this CA, made or renewed as needed. */
  Tls server(Set<String> names) throws IOException, GeneralSecurityException {
    return locked(() -> {
      Path cert = dir.resolve(CERT);
      if (!Files.exists(cert) || !covers(read(cert), names)) {
        issue(new X500Name("CN=" + names.iterator().next()), names, KeyPurposeId.id_kp_serverAuth, cert,
            dir.resolve(KEY));
      }
      return new Tls(Optional.of(cert), Optional.of(dir.resolve(KEY)), Optional.of(caFile()));
    });
  }

  /** A client certificate naming {@code deviceId} (its CN), for mutual TLS: {@code out/ID.pem} and its key. */
  Tls device(String deviceId, Path out) throws IOException, GeneralSecurityException {
    return locked(() -> {
      Files.createDirectories(out);
      Path cert = out.resolve(deviceId + ".pem");
      Path key = out.resolve(deviceId + "-key.pem");
      issue(new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(deviceId))}), Set.of(),
          KeyPurposeId.id_kp_clientAuth, cert, key);
      Path ca = Files.copy(caFile(), out.resolve(CA), StandardCopyOption.REPLACE_EXISTING);
      return new Tls(Optional.of(cert), Optional.of(key), Optional.of(ca));
    });
  }

  private interface Work<T> {
    T run() throws IOException, GeneralSecurityException;
  }

  // One process at a time (processes started together share the directory; a file lock is the process's, so one
  // thread of it at a time too), the CA made first if none yet.
  private <T> T locked(Work<T> work) throws IOException, GeneralSecurityException {
    synchronized (LocalCa.class) {
      return lockedInProcess(work);
    }
  }

  private <T> T lockedInProcess(Work<T> work) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
      if (!Files.exists(caFile())) {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=EZShop local CA " + HexFormat.of().formatHex(serial().toByteArray(), 0, 4));
        X509v3CertificateBuilder ca = builder(name, name, keys, CA_LIFE)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        write(dir.resolve(CA_KEY), key(keys.getPrivate()));
        write(caFile(), pem("CERTIFICATE", sign(ca, keys.getPrivate()).getEncoded()));
      }
      return work.run();
    }
  }

  /** SHA-256 of the CA certificate, as browsers and `openssl x509 -fingerprint -sha256` show it. */
  String fingerprint() throws IOException, GeneralSecurityException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(read(caFile()).getEncoded());
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
  }

  private boolean covers(X509Certificate cert, Set<String> names) throws GeneralSecurityException, IOException {
    try {
      cert.verify(read(caFile()).getPublicKey());
    } catch (GeneralSecurityException e) {
      return false; // signed by a CA this directory no longer holds
    }
    Set<String> named = new LinkedHashSet<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      named.add(String.valueOf(san.get(1)));
    }
    boolean lasting = cert.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
    return lasting && names.stream().allMatch(n -> named.contains(n) || named.contains(expandedIpv6(n)));
  }

  // The JDK reports IPv6 SANs in full form ("0:0:0:0:0:0:0:1").
  private static String expandedIpv6(String name) {
    try {
      return name.contains(":") ? InetAddress.getByName(name).getHostAddress() : name;
    } catch (IOException e) {
      return name;
    }
  }

  /** A certificate for {@code names} with a fresh key, signed by this CA, written to {@code cert} and {@code key}. */
  private void issue(X500Name subject, Set<String> names, KeyPurposeId purpose, Path cert, Path key)
      throws IOException, GeneralSecurityException {
    X509Certificate ca = read(caFile());
    PrivateKey caKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
        unpem(Files.readString(dir.resolve(CA_KEY)))));
    List<GeneralName> alternatives = new ArrayList<>();
    for (String name : names) {
      alternatives.add(new GeneralName(name.contains("://") ? GeneralName.uniformResourceIdentifier
          : IP.matcher(name).matches() ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    KeyPair keys = keys();
    X509v3CertificateBuilder leaf = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
        subject, keys, LEAF_LIFE)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
        .addExtension(Extension.authorityKeyIdentifier, false,
            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
    if (!alternatives.isEmpty()) {
      leaf.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(alternatives.toArray(GeneralName[]::new)));
    }
    write(key, key(keys.getPrivate()));
    write(cert, pem("CERTIFICATE", sign(leaf, caKey).getEncoded()) + pem("CERTIFICATE", ca.getEncoded())); // the chain
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
      Duration life) throws IOException {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(life)), subject, keys.getPublic());
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return b;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey by)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(by)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom());
  }

  static X509Certificate read(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static String key(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded()); // PKCS#8
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] unpem(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }

  // Written whole or not at all, readable by this user only (keys) or by anyone (certificates).
  private static void write(Path file, String pem) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(pem.contains("PRIVATE KEY")
            ? "rw-------" : "rw-r--r--")));
    Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

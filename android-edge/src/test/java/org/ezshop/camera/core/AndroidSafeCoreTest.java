package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core package must run on Android: no desktop-only Java APIs. */
class AndroidSafeCoreTest {

  private static final Path CORE = Path.of("src/main/java/org/ezshop/camera/core");
  private static final Pattern FORBIDDEN = Pattern.compile("\\b(java\\.awt|javax\\.imageio|javax\\.swing)\\b");

  @Test
  void coreUsesNoDesktopOnlyApis() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.walk(CORE)) {
      offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(AndroidSafeCoreTest::usesForbiddenApi)
          .map(Path::toString)
          .collect(Collectors.toList());
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theApiClassesItUsesAreJava11Bytecode() throws IOException {
    for (Class<?> api : List.of(org.ezshop.edge.v1.EdgeMessage.class, org.ezshop.edge.v1.EdgeLinkServiceGrpc.class)) {
      try (var in = api.getResourceAsStream(api.getSimpleName() + ".class")) {
        byte[] header = in.readNBytes(8);
        int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        assertTrue(major <= 55, api.getName() + " is class file version " + major + "; Android's Java 11 needs 55");
      }
    }
  }

  @Test
  void theCheckCatchesAForbiddenImport() throws IOException {
    Path sample = Files.createTempFile("Sample", ".java");
    Files.writeString(sample, "package x;\nimport javax.imageio.ImageIO;\nclass Sample {}\n");
    assertTrue(usesForbiddenApi(sample));
    Files.writeString(sample, "package x;\nclass Sample { java.awt.image.BufferedImage i; }\n");
    assertTrue(usesForbiddenApi(sample));
    Files.delete(sample);
  }

  private static boolean usesForbiddenApi(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(line -> line.replaceAll("//.*", ""))
          .anyMatch(line -> FORBIDDEN.matcher(line).find());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

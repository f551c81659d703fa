package org.ezshop.gateway.fusion;

import java.nio.file.Path;
import java.util.Optional;

/** Where shelf changes wait for their decision, with the sightings that may decide them. */
public sealed interface PendingPlace {

  /** In this process only: a restart loses them. */
  record Memory() implements PendingPlace {
  }

  /** One file per change in a local directory: they survive a restart of this gateway. */
  record Directory(Path dir) implements PendingPlace {
  }

  /** Rows in PostgreSQL: they survive this gateway, and another gateway process can take the store over. */
  record Postgres(String url) implements PendingPlace {
  }

  /** A directory when given, else memory. */
  static PendingPlace of(Optional<Path> dir) {
    return dir.<PendingPlace>map(Directory::new).orElseGet(Memory::new);
  }
}

package org.ezshop.gateway.state;

import java.nio.file.Path;
import java.util.Optional;

/** Where the gateway keeps what must survive it: shelf changes waiting for their decision, and rows' levels. */
public sealed interface StatePlace {

  /** In this process only: a restart loses it. */
  record Memory() implements StatePlace {
  }

  /** Small files in a local directory: it survives a restart of this gateway. */
  record Directory(Path dir) implements StatePlace {
  }

  /** Rows in PostgreSQL: it survives this gateway, and another gateway process can take the store over. */
  record Postgres(String url) implements StatePlace {
  }

  /** A directory when given, else memory. */
  static StatePlace of(Optional<Path> dir) {
    return dir.<StatePlace>map(Directory::new).orElseGet(Memory::new);
  }

  default boolean durable() {
    return !(this instanceof Memory);
  }
}

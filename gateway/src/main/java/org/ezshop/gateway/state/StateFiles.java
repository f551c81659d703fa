package org.ezshop.gateway.state;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Each area a directory, each body a small file in it, synced and renamed into place, on a worker. */
final class StateFiles implements GatewayState.Backend {

  private final Vertx vertx;
  private final Path dir;

  StateFiles(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  @Override
  public Future<Void> put(String area, String key, byte[] body) {
    return vertx.executeBlocking(() -> {
      Path file = file(area, key);
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(body));
        channel.force(true);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      return null;
    });
  }

  @Override
  public Future<Void> delete(String area, String key) {
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(file(area, key));
      return null;
    });
  }

  @Override
  public Future<List<byte[]>> all(String area) {
    return vertx.executeBlocking(() -> {
      List<byte[]> bodies = new ArrayList<>();
      if (Files.isDirectory(dir.resolve(area))) {
        try (Stream<Path> files = Files.list(dir.resolve(area))) {
          for (Path f : files.filter(p -> p.toString().endsWith(".state")).sorted().toList()) {
            bodies.add(Files.readAllBytes(f));
          }
        }
      }
      return bodies;
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Path file(String area, String key) throws IOException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(area).resolve(HexFormat.of().formatHex(digest, 0, 16) + ".state");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}

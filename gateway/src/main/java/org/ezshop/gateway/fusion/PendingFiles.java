package org.ezshop.gateway.fusion;

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

/** Pending changes as one small file each, synced and renamed into place, written on a worker. */
final class PendingFiles implements PendingStore {

  private final Vertx vertx;
  private final Path dir;

  PendingFiles(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  @Override
  public Future<Void> put(String key, byte[] body) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      Path file = file(key);
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
  public Future<Void> delete(String key) {
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(file(key));
      return null;
    });
  }

  @Override
  public Future<List<byte[]>> all() {
    return vertx.executeBlocking(() -> {
      List<byte[]> bodies = new ArrayList<>();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".pending")).sorted().toList()) {
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

  private Path file(String key) throws IOException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".pending");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}

package org.ezshop.pi.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** One segment file of the outbox ({@code <first seq>.seg}) and what its records hold. */
final class Segment {

  final Path file;
  final long firstSeq;
  long lastSeq;
  long size;
  long readings;
  long reports;

  Segment(Path file, long firstSeq) {
    this.file = file;
    this.firstSeq = firstSeq;
    this.lastSeq = firstSeq - 1;
  }

  static long firstSeq(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - ".seg".length()));
  }

  /** Reads records until the end or the first bad one, counting them; returns the length of the good prefix. */
  long scan() throws IOException {
    long position = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (Outbox.Entry e = Record.read(channel, position); e != null; e = Record.read(channel, position)) {
        position += Record.HEADER + e.payload().length;
        lastSeq = e.seq();
        readings += e.readings();
        reports += e.reports();
      }
    }
    size = position;
    return position;
  }

  /** Adds its records after {@code seq} to {@code into}, until that holds {@code max}. */
  void read(long seq, int max, List<Outbox.Entry> into) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = 0;
      for (Outbox.Entry e = Record.read(channel, position); e != null && into.size() < max;
          e = Record.read(channel, position)) {
        position += Record.HEADER + e.payload().length;
        if (e.seq() > seq) {
          into.add(e);
        }
      }
    }
  }
}

package org.ezshop.pi.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Readings waiting for the gateway's ack, on disk: they survive a lost link, a crash and a reboot.
 *
 * <p>Records ({@link Record}) go to append-only segment files ({@code <first seq>.seg}). Writes are forced to disk
 * every {@code syncEvery} records (and on {@link #sync()}). A torn record at the end of the last segment (power cut
 * mid-write) is cut off at open. An ack deletes whole segments once everything in them is acked.
 *
 * <p>The outbox is bounded: when appending would pass {@code maxBytes}, the oldest segments are dropped, and
 * the readings lost are counted until {@link #takeDropped()} hands them over (the agent appends a notice that
 * reports them). A dropped record that itself reported losses puts its count back, so no loss goes unreported.
 * Not thread-safe: one agent thread owns it.
 */
public final class Outbox implements AutoCloseable {

  /** A record read back for sending. */
  public record Entry(long seq, int readings, long reports, byte[] payload) {
  }

  private static final String ACKED = "acked";
  private static final String DROPPED = "dropped";

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final int syncEvery;
  private final Deque<Segment> segments = new ArrayDeque<>();
  private long nextSeq;
  private long acked;
  private long bytes;
  private long dropped;
  private int unsynced;
  private long ackedWrittenAt;

  private FileChannel tail;

  /**
   * @param maxBytes     the most disk the outbox may use
   * @param segmentBytes size at which a new segment file starts (the unit of dropping and deleting)
   * @param syncEvery    force to disk after this many appends (1 = every append)
   */
  public static Outbox open(Path dir, long maxBytes, long segmentBytes, int syncEvery) throws IOException {
    if (segmentBytes <= Record.HEADER || maxBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException("maxBytes must hold at least two segments of more than " + Record.HEADER + " bytes");
    }
    Files.createDirectories(dir);
    Outbox outbox = new Outbox(dir, maxBytes, segmentBytes, syncEvery);
    outbox.recover();
    return outbox;
  }

  private Outbox(Path dir, long maxBytes, long segmentBytes, int syncEvery) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.syncEvery = Math.max(1, syncEvery);
  }

  private void recover() throws IOException {
    acked = readCounter(ACKED);
    dropped = readCounter(DROPPED);
    nextSeq = acked + 1;
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".seg"))
          .sorted((a, b) -> Long.compare(Segment.firstSeq(a), Segment.firstSeq(b))).toList();
    }
    for (Path file : files) {
      Segment segment = new Segment(file, Segment.firstSeq(file));
      long valid = segment.scan();
      if (valid < Files.size(file)) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(valid); // a torn write at the end: the record never was
        }
      }
      if (segment.lastSeq < segment.firstSeq || segment.lastSeq <= acked) {
        Files.delete(file);
        continue;
      }
      segments.add(segment);
      bytes += segment.size;
      nextSeq = Math.max(nextSeq, segment.lastSeq + 1);
    }
  }

  /** Appends a payload holding {@code readings} readings and returns its sequence number. */
  public long append(byte[] payload, int readings) throws IOException {
    return append(payload, readings, 0);
  }

  /**
   * Appends a payload holding {@code readings} readings that also reports {@code reports} readings lost
   * earlier (if this record is dropped in turn, those count as lost again); returns its sequence number.
   */
  public long append(byte[] payload, int readings, long reports) throws IOException {
    long size = Record.HEADER + payload.length;
    if (size > segmentBytes) {
      throw new IllegalArgumentException("a record of " + size + " bytes does not fit a segment of " + segmentBytes);
    }
    Segment last = segments.peekLast();
    if (last == null || last.size + size > segmentBytes) {
      last = startSegment();
    } else if (tail == null) {
      tail = FileChannel.open(last.file, StandardOpenOption.WRITE, StandardOpenOption.APPEND); // reopened outbox
    }
    while (bytes + size > maxBytes && segments.size() > 1) {
      dropOldest();
    }
    long seq = nextSeq++;
    ByteBuffer record = Record.encode(seq, readings, reports, payload);
    while (record.hasRemaining()) {
      tail.write(record);
    }
    last.size += size;
    last.lastSeq = seq;
    last.readings += readings;
    last.reports += reports;
    bytes += size;
    if (++unsynced >= syncEvery) {
      sync();
    }
    return seq;
  }

  private Segment startSegment() throws IOException {
    if (tail != null) {
      tail.force(false);
      tail.close();
    }
    Segment segment = new Segment(dir.resolve(nextSeq + ".seg"), nextSeq);
    tail = FileChannel.open(segment.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    segments.add(segment);
    return segment;
  }

  private void dropOldest() throws IOException {
    Segment oldest = segments.removeFirst();
    dropped += oldest.readings + oldest.reports;
    writeCounter(DROPPED, dropped); // a restart before the drop is reported must not forget it
    bytes -= oldest.size;
    Files.deleteIfExists(oldest.file);
    acked = Math.max(acked, oldest.lastSeq); // what is gone cannot be sent: never wait for its ack
    writeCounter(ACKED, acked);
  }

  /** Forces appended records to disk. */
  public void sync() throws IOException {
    if (tail != null) {
      tail.force(false);
    }
    unsynced = 0;
  }

  /**
   * The gateway has every record up to {@code seq}: delete whole segments it covers and remember the point.
   * The point is written to disk at most once a second (and at close): after a crash a few acked records may
   * be sent again, which the gateway drops by their sequence numbers.
   */
  public void ack(long seq) throws IOException {
    if (seq <= acked) {
      return;
    }
    acked = Math.min(seq, nextSeq - 1);
    long now = System.nanoTime();
    if (now - ackedWrittenAt > 1_000_000_000L) {
      writeCounter(ACKED, acked);
      ackedWrittenAt = now;
    }
    while (segments.size() > 1 && segments.peekFirst().lastSeq <= acked) {
      Segment done = segments.removeFirst();
      bytes -= done.size;
      Files.deleteIfExists(done.file);
    }
  }

  private void writeCounter(String name, long value) throws IOException {
    Path temp = dir.resolve(name + ".tmp");
    Files.writeString(temp, Long.toString(value));
    Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private long readCounter(String name) throws IOException {
    Path file = dir.resolve(name);
    return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
  }

  /** Sequence number of the newest record appended (0 if none ever was). */
  public long lastSeq() {
    return nextSeq - 1;
  }

  /** Highest acked sequence number. */
  public long acked() {
    return acked;
  }

  /** Records not yet acked, oldest first. */
  public List<Entry> unacked() throws IOException {
    return after(acked, Integer.MAX_VALUE);
  }

  /** Up to {@code max} records after {@code seq} (and after the acked ones), oldest first: what to send next. */
  public List<Entry> after(long seq, int max) throws IOException {
    long from = Math.max(seq, acked);
    List<Entry> entries = new ArrayList<>();
    for (Segment segment : segments) {
      if (segment.lastSeq <= from) {
        continue;
      }
      segment.read(from, max, entries);
      if (entries.size() >= max) {
        break;
      }
    }
    return entries;
  }

  /**
   * Readings dropped because the outbox was full since the last call (kept across restarts until taken);
   * the caller reports them, e.g. by appending a notice.
   */
  public long takeDropped() throws IOException {
    long count = dropped;
    if (count > 0) {
      dropped = 0;
      writeCounter(DROPPED, 0);
    }
    return count;
  }

  /** Bytes on disk. */
  public long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    writeCounter(ACKED, acked);
    if (tail != null) {
      sync();
      tail.close();
      tail = null;
    }
  }
}

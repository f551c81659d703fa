package org.ezshop.pi.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  private static byte[] payload(long i) {
    return ("batch-" + i + "-" + "x".repeat(50)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void recordsSurviveARestartUntilAcked(@TempDir Path dir) throws Exception {
    try (Outbox outbox = Outbox.open(dir, 1 << 20, 4096, 1)) {
      for (int i = 1; i <= 200; i++) {
        assertEquals(i, outbox.append(payload(i), 10));
      }
      outbox.ack(120);
    }
    try (Outbox reopened = Outbox.open(dir, 1 << 20, 4096, 1)) {
      assertEquals(120, reopened.acked());
      List<Outbox.Entry> unacked = reopened.unacked();
      assertEquals(80, unacked.size());
      assertEquals(121, unacked.get(0).seq());
      assertArrayEquals(payload(121), unacked.get(0).payload());
      assertEquals(201, reopened.append(payload(201), 10), "numbering goes on after a restart");
      reopened.ack(201);
      assertEquals(List.of(), reopened.unacked());
    }
  }

  @Test
  void ackedSegmentsAreDeleted(@TempDir Path dir) throws Exception {
    try (Outbox outbox = Outbox.open(dir, 1 << 20, 1024, 100)) {
      for (int i = 1; i <= 100; i++) {
        outbox.append(payload(i), 1);
      }
      long before = segments(dir);
      outbox.ack(100);
      assertTrue(before > 5, before + " segments");
      assertEquals(1, segments(dir), "only the segment being written stays");
    }
  }

  @Test
  void aTornLastRecordIsCutOff(@TempDir Path dir) throws Exception {
    try (Outbox outbox = Outbox.open(dir, 1 << 20, 1 << 16, 1)) {
      for (int i = 1; i <= 10; i++) {
        outbox.append(payload(i), 1);
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 7); // power cut in the middle of record 10
    }
    try (Outbox reopened = Outbox.open(dir, 1 << 20, 1 << 16, 1)) {
      List<Outbox.Entry> unacked = reopened.unacked();
      assertEquals(9, unacked.size());
      assertEquals(10, reopened.append(payload(10), 1), "the torn record's number is written again");
      assertEquals(10, reopened.unacked().size());
    }
  }

  @Test
  void aFullOutboxDropsTheOldestAndCountsExactly(@TempDir Path dir) throws Exception {
    long dropped;
    try (Outbox outbox = Outbox.open(dir, 4096, 1024, 10)) {
      for (int i = 1; i <= 500; i++) {
        outbox.append(payload(i), 3);
        assertTrue(outbox.bytes() <= 4096, "never more than the bound");
      }
      List<Outbox.Entry> kept = outbox.unacked();
      assertEquals(500, kept.get(kept.size() - 1).seq(), "the newest are kept");
      long lost = (kept.get(0).seq() - 1) * 3;
      assertTrue(lost > 0);
      outbox.close();
      try (Outbox reopened = Outbox.open(dir, 4096, 1024, 10)) {
        dropped = reopened.takeDropped();
        assertEquals(lost, dropped, "the exact count of readings lost, even across a restart");
        assertEquals(0, reopened.takeDropped());
        assertEquals(kept.get(0).seq() - 1, reopened.acked(), "dropped records are never waited for");
      }
    }
  }

  @Test
  void aDroppedReportOfLossesIsOwedAgain(@TempDir Path dir) throws Exception {
    try (Outbox outbox = Outbox.open(dir, 4096, 1024, 10)) {
      outbox.append(payload(0), 0, 1000); // a notice reporting 1000 readings lost earlier
      long readings = 0;
      while (outbox.unacked().get(0).seq() == 1) {
        outbox.append(payload(1), 3);
        readings += 3;
      }
      long kept = outbox.unacked().stream().mapToLong(Outbox.Entry::readings).sum();
      assertEquals(1000 + readings - kept, outbox.takeDropped(), "the notice's 1000 are owed again, with the readings");
    }
  }

  private static long segments(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }
}

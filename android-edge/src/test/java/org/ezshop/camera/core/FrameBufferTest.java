package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FrameBufferTest {

  private static CapturedFrame frame(int bytes) {
    return new CapturedFrame(new byte[bytes], 0, List.of());
  }

  private static List<Long> seqs(List<FrameBuffer.Entry> entries) {
    return entries.stream().map(e -> e.seq).collect(Collectors.toList());
  }

  @Test
  void framesWaitForTheirAckThenGo() {
    FrameBuffer buffer = new FrameBuffer(10, 10_000, 1);
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 1, buffer.add(frame(100)));
    }
    assertEquals(List.of(4L, 5L), seqs(buffer.after(3)));
    buffer.ack(3);
    assertEquals(2, buffer.frames());
    assertEquals(3, buffer.acked());
  }

  @Test
  void whenFullTheOldestFramesGoAndANoticeSaysExactlyHowMany() {
    FrameBuffer buffer = new FrameBuffer(3, 10_000, 1);
    for (int i = 0; i < 10; i++) {
      buffer.add(frame(10));
    }
    List<FrameBuffer.Entry> left = buffer.after(0);
    long dropped = left.stream().mapToLong(e -> e.droppedFrames).sum();
    long frames = left.stream().filter(e -> e.frame != null).count();
    assertEquals(3, frames, "the bound holds");
    assertEquals(10 - 3, dropped, "every dropped frame is reported, once");
    FrameBuffer.Entry notice = left.stream().filter(e -> e.frame == null).findFirst().orElseThrow();
    assertNull(notice.frame);
    buffer.ack(notice.seq);
    assertEquals(0, buffer.after(0).stream().filter(e -> e.frame == null && e.seq <= notice.seq).count());

    FrameBuffer byBytes = new FrameBuffer(100, 1000, 41);
    for (int i = 0; i < 10; i++) {
      byBytes.add(frame(300));
    }
    assertEquals(3, byBytes.frames());
    assertThrows(IllegalArgumentException.class, () -> byBytes.add(frame(1001)));
  }
}

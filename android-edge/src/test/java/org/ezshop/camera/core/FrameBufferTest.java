package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FrameBufferTest {

  private static CapturedFrame frame(int bytes) {
    return new CapturedFrame(new byte[bytes], 0, List.of());
  }

  @Test
  void framesWaitForTheirAckThenGo() {
    FrameBuffer buffer = new FrameBuffer(10, 10_000, 1);
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 1, buffer.add(frame(100)));
    }
    assertEquals(5, buffer.after(0).size());
    assertEquals(List.of(4L, 5L), buffer.after(3).stream().map(e -> e.seq).collect(Collectors.toList()));
    buffer.ack(3);
    assertEquals(2, buffer.size());
    assertEquals(3, buffer.acked());
    assertEquals(0, buffer.takeDropped());
  }

  @Test
  void whenFullTheOldestGoFirstAndAreCountedExactly() {
    FrameBuffer byCount = new FrameBuffer(3, 10_000, 1);
    for (int i = 0; i < 10; i++) {
      byCount.add(frame(10));
    }
    assertEquals(List.of(8L, 9L, 10L), byCount.after(0).stream().map(e -> e.seq).collect(Collectors.toList()));
    assertEquals(7, byCount.takeDropped());
    assertEquals(0, byCount.takeDropped());
    assertEquals(7, byCount.acked(), "dropped frames are never waited for");

    FrameBuffer byBytes = new FrameBuffer(100, 1000, 41);
    for (int i = 0; i < 10; i++) {
      byBytes.add(frame(300));
    }
    assertEquals(3, byBytes.size());
    assertEquals(7, byBytes.takeDropped());
    assertThrows(IllegalArgumentException.class, () -> byBytes.add(frame(1001)));
  }
}

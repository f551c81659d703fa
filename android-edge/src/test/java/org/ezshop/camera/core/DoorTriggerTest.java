package org.ezshop.camera.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DoorTriggerTest {

  private static CapturedFrame at(long millis, CapturedFrame.FaceBox... faces) {
    return new CapturedFrame(new byte[1], millis, List.of(faces));
  }

  private static CapturedFrame.FaceBox face(float width, long trackingId) {
    return new CapturedFrame.FaceBox(0, 0, width, width, trackingId);
  }

  @Test
  void onePersonWalkingUpIsSentOncePerCooldown() {
    DoorTrigger door = new DoorTrigger(new WidthGate(200), 5000);
    int sent = 0;
    // Ana walks up: far (120 px), then close (220-260 px) for two seconds at 10 frames per second.
    for (int i = 0; i < 30; i++) {
      float width = i < 10 ? 120 : 220 + i;
      if (door.shouldSend(at(i * 100L, face(width, 7)))) {
        sent++;
      }
    }
    assertEquals(1, sent);
    assertEquals(true, door.shouldSend(at(8000, face(230, 7))), "after the cooldown she counts again");
  }

  @Test
  void aSecondPersonIsSentEvenWithinTheFirstOnesCooldown() {
    DoorTrigger door = new DoorTrigger(new WidthGate(200), 5000);
    assertEquals(true, door.shouldSend(at(0, face(250, 1))));
    assertEquals(false, door.shouldSend(at(500, face(250, 1))));
    assertEquals(true, door.shouldSend(at(600, face(250, 1), face(240, 2))), "Ben arrives");
    assertEquals(false, door.shouldSend(at(700, face(250, 1), face(240, 2))));
    assertEquals(false, door.shouldSend(at(800, face(150, 3))), "far faces never trigger");
  }
}

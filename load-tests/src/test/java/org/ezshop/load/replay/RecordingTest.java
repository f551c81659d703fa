package org.ezshop.load.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.Frame;
import org.ezshop.rpc.Tls;
import org.ezshop.shop.v1.RegisterShopperRequest;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a recording keeps: no token ever; with photos redacted, no photo or frame either, only their hashes. */
class RecordingTest {

  private static final ByteString FACE = ByteString.copyFromUtf8("\u00ff\u00d8\u00ff a face, as JPEG bytes");

  @Test
  void aRecordingKeepsNoTokenAndRedactedPhotosOnlyTheirHash(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("store.jsonl");
    try (Recording recording = Recording.create(file, true)) {
      recording.setup("ezshop.store.v1.StoreService/RegisterDevice", RegisterDeviceRequest.newBuilder()
          .setDeviceId("cam-1").setToken("cam-1-secret-token-0123456789").build());
      recording.setup("ezshop.shop.v1.ShopService/RegisterShopper", RegisterShopperRequest.newBuilder()
          .setName("Ana").setPhoto(FACE).build());
      recording.device("cam-1", 1000, EdgeMessage.newBuilder().setSeq(1).setFrame(Frame.newBuilder()
          .setCameraId("cam-1").setJpeg(FACE)).build());
    }
    String text = Files.readString(file);
    assertFalse(text.contains("cam-1-secret-token"), text);
    assertFalse(text.contains(Base64.getEncoder().encodeToString(FACE.toByteArray())), "no photo: " + text);
    List<Recording.Setup> setups = new ArrayList<>();
    List<Recording.DeviceRecord> devices = new ArrayList<>();
    Recording.read(file, setups, devices);
    assertEquals(2, setups.size());
    assertTrue(devices.get(0).message().getFrame().getJpeg().toStringUtf8().matches("sha256:[0-9a-f]{64}"));
  }

  @Test
  void aRecordingWithRedactedPhotosIsRefusedByReplayNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("store.jsonl");
    try (Recording recording = Recording.create(file, true)) {
      recording.setup("ezshop.shop.v1.ShopService/RegisterShopper", RegisterShopperRequest.newBuilder()
          .setName("Ana").setPhoto(FACE).build());
    }
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Replayer.run(file, 1, "127.0.0.1:1", "127.0.0.1:1", Tls.OFF, "t", dir.resolve("receipts.json"),
            System.out));
    assertTrue(refused.getMessage().startsWith("line 1: ezshop.shop.v1.ShopService/RegisterShopper has a redacted "
        + "photo"), refused.getMessage());
  }
}

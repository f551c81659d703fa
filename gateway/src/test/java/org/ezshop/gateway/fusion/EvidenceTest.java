package org.ezshop.gateway.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.store.v1.Shopper;
import org.junit.jupiter.api.Test;

/** The scored decision on its own: sightings in, who is charged and how sure, out. */
class EvidenceTest {

  private static final long ONSET = 1_700_000_000_000L;
  private static final FusionSettings SETTINGS = FusionSettings.defaults();
  private static final Map<String, Shopper> IN_STORE = Map.of(
      "face-ana", Shopper.newBuilder().setShopperId("ana").setName("Ana").setFaceId("face-ana").build(),
      "face-ben", Shopper.newBuilder().setShopperId("ben").setName("Ben").setFaceId("face-ben").build());

  /** A face of {@code side} px seen {@code dt} ms from the onset: faces with the same dt share a frame. */
  private static Sighting face(String faceId, float side, long dt) {
    return new Sighting("cam", "cam", CameraRole.CAMERA_ROLE_SHELF, faceId, faceId, faceId.isEmpty() ? 0.3f : 0.9f,
        side, side, 0.5f, 0.5f, ONSET + dt);
  }

  private static Decision decide(int delta, Set<String> holders, Sighting... seen) {
    return Evidence.decide(ONSET, delta, List.of(seen), IN_STORE, holders, camera -> 0, SETTINGS);
  }

  @Test
  void twoPeopleTakingFromOneRowAtOnceAreChargedOneItemEach() {
    Decision d = decide(-2, null, face("face-ana", 300, 40), face("face-ben", 290, 90));
    assertEquals("split", d.rule());
    assertEquals(List.of("ana", "ben"), d.charges().stream().map(c -> c.who().shopperId()).toList());
    assertEquals(List.of(1, 1), d.charges().stream().map(Decision.Charge::quantity).toList());
    assertFalse(d.ambiguous(), d.toString());
  }

  /** The recording, kind 1: the reacher seen frame after frame before a long reach, a bystander once. */
  @Test
  void theReacherSeenThroughoutBeatsABystanderSeenOnceNearerInTime() {
    float reacher = (float) Math.sqrt(5991);
    float bystander = (float) Math.sqrt(3258);
    Decision d = Evidence.decide(ONSET, -1, List.of(face("face-ben", reacher, -1921), face("face-ben", reacher, -1588),
        face("face-ben", reacher, -1255), face("face-ben", reacher, -921), face("face-ana", bystander, 79)), IN_STORE,
        null, camera -> 13_570, SETTINGS); // the camera's near face, from the proximities the log gave (0.49, 0.67)
    assertEquals("ben", d.charges().get(0).who().shopperId(), d.toString());
  }

  /** Kind 2: two picks 40 ms apart read as one change of two; the second picker seen late, but nearer. */
  @Test
  void twoPickersOfOneChangeAreChargedOneEachHoweverFarApartTheyWereSeen() {
    Decision d = Evidence.decide(ONSET, -2, List.of(face("face-ana", 300, 60), face("face-ben", 424, 929)), IN_STORE,
        null, camera -> 424 * 424, SETTINGS); // the second as near as the camera sees anyone, the first half as near
    assertEquals("split", d.rule(), d.toString());
    assertEquals(Set.of("ana", "ben"), Set.copyOf(d.charges().stream().map(c -> c.who().shopperId()).toList()));
  }

  @Test
  void twoItemsTakenWithABystanderFarBehindGoWholeToThePicker() {
    Decision d = decide(-2, null, face("face-ana", 300, 40), face("face-ben", 150, 40));
    assertEquals("scored", d.rule());
    assertEquals(1, d.charges().size());
    assertEquals(2, d.charges().get(0).quantity());
    assertFalse(d.ambiguous(), d.toString());
  }

  @Test
  void aRunnerUpWithMoreThanAQuarterOfTheEvidenceMakesTheChargeThin() {
    Decision d = decide(-1, null, face("face-ana", 300, 50), face("face-ben", 300, 250));
    assertEquals("ana", d.charges().get(0).who().shopperId());
    assertTrue(d.ambiguous(), d.toString());
  }

  @Test
  void aStrangerWithAThirdOfTheWinnersEvidenceStopsTheCharge() {
    Decision d = decide(-1, null, face("face-ana", 300, 0), face("", 300, 600));
    assertEquals("unrecognised-person", d.rule());
    assertTrue(d.charges().isEmpty());
    Decision far = decide(-1, null, face("face-ana", 300, 0), face("", 300, 1900));
    assertEquals("ana", far.charges().get(0).who().shopperId(), "a stranger 1.9 s off does not stop it");
  }

  @Test
  void aStrangerStopsACreditOnlyWhenLikelierThanTheHolder() {
    Decision credited = decide(1, Set.of("ana"), face("face-ana", 300, 0), face("", 300, 600));
    assertEquals("ana", credited.charges().get(0).who().shopperId(), "a pick would have been stopped here");
    assertTrue(credited.ambiguous(), "but a close stranger makes it thin: " + credited);
    Decision stopped = decide(1, Set.of("ana"), face("face-ana", 300, 600), face("", 300, 0));
    assertEquals("unrecognised-person", stopped.rule());
  }

  @Test
  void aPutBackWeighsOnlyTheHoldersAndTheConfidenceIsTheWinnersShare() {
    Decision d = decide(1, Set.of("ben"), face("face-ana", 300, 0), face("face-ben", 300, 400));
    assertEquals("put-back:holder", d.rule());
    assertEquals("ben", d.charges().get(0).who().shopperId());
    assertEquals(d.charges().get(0).who().probability(), d.confidence(), 1e-9);
    assertTrue(d.confidence() > 0.9 && d.confidence() < 1, d.toString());
  }
}

package org.ezshop.gateway.fusion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.gateway.shelf.ShelfChange;
import org.ezshop.gateway.sight.Sighting;
import org.ezshop.store.v1.Shopper;

/**
 * What one decision was made from, as JSON and back: enough to make it again with other weights, away from the
 * store ({@code EvidenceTuning} in the tests reads these from the gateway's log).
 */
public record DecisionInputs(String key, String rowId, long onset, int delta, List<Sighting> seen,
    Map<String, Shopper> inStore, Set<String> holders, Map<String, Double> nearAreas) {

  static JsonObject json(ShelfChange change, List<Sighting> seen, Map<String, Shopper> inStore,
      Set<String> holders, ToDoubleFunction<String> nearArea) {
    JsonArray sightings = new JsonArray();
    JsonObject near = new JsonObject();
    JsonObject shoppers = new JsonObject();
    for (Sighting s : seen) {
      near.put(s.cameraId(), nearArea.applyAsDouble(s.cameraId()));
      Shopper shopper = s.known() ? inStore.get(s.faceId()) : null;
      if (shopper != null) {
        shoppers.put(s.faceId(), new JsonObject().put("id", shopper.getShopperId()).put("name", shopper.getName()));
      }
      sightings.add(new JsonArray().add(s.cameraId()).add(s.faceId()).add(s.score()).add(s.boxWidth())
          .add(s.boxHeight()).add(s.centreX()).add(s.centreY()).add(s.atMillis()));
    }
    return new JsonObject().put("key", change.key()).put("row", change.rowId()).put("onset", change.onsetMillis())
        .put("delta", change.delta()).put("holders", holders == null ? null : new JsonArray(List.copyOf(holders)))
        .put("near", near).put("shoppers", shoppers).put("seen", sightings);
  }

  public static DecisionInputs parse(JsonObject j) {
    List<Sighting> seen = j.getJsonArray("seen").stream().map(o -> (JsonArray) o).map(a -> new Sighting(
        a.getString(0), a.getString(0), CameraRole.CAMERA_ROLE_SHELF, a.getString(1), "", a.getFloat(2),
        a.getFloat(3), a.getFloat(4), a.getFloat(5), a.getFloat(6), a.getLong(7))).toList();
    Map<String, Shopper> inStore = new java.util.HashMap<>();
    j.getJsonObject("shoppers").forEach(e -> {
      JsonObject who = (JsonObject) e.getValue();
      inStore.put(e.getKey(), Shopper.newBuilder().setShopperId(who.getString("id")).setName(who.getString("name"))
          .setFaceId(e.getKey()).build());
    });
    Map<String, Double> near = new java.util.HashMap<>();
    j.getJsonObject("near").forEach(e -> near.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    JsonArray holders = j.getJsonArray("holders");
    return new DecisionInputs(j.getString("key"), j.getString("row"), j.getLong("onset"), j.getInteger("delta"),
        seen, inStore, holders == null ? null : Set.copyOf(holders.stream().map(String::valueOf).toList()), near);
  }

  /** The decision these inputs make under {@code settings}. */
  public Decision decide(FusionSettings settings) {
    return Evidence.decide(onset, delta, seen, inStore, holders, camera -> nearAreas.getOrDefault(camera, 0.0),
        settings);
  }
}

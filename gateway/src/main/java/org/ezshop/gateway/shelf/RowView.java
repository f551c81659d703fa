package org.ezshop.gateway.shelf;

import java.util.ArrayList;
import java.util.List;
import org.ezshop.store.v1.CameraRegion;
import org.ezshop.store.v1.ShelfRow;

/**
 * A camera covering a row, and the rectangle of its frame (fractions, 0..1) where people reaching into the row
 * stand; the whole frame when the row names no region for it.
 */
public record RowView(String cameraId, float xMin, float xMax, float yMin, float yMax) {

  /** Whether a face centred at (x, y), in fractions of the frame, stands at the row. */
  public boolean contains(float x, float y) {
    return x >= xMin && x <= xMax && y >= yMin && y <= yMax;
  }

  /** Every camera of the row with its region. */
  public static List<RowView> of(ShelfRow row) {
    List<RowView> views = new ArrayList<>();
    for (String camera : row.getCameraIdsList()) {
      RowView view = new RowView(camera, 0, 1, 0, 1);
      for (CameraRegion r : row.getCameraRegionsList()) {
        if (r.getCameraId().equals(camera)) {
          view = r.getYMax() == 0 ? new RowView(camera, r.getXMin(), r.getXMax(), 0, 1)
              : new RowView(camera, r.getXMin(), r.getXMax(), r.getYMin(), r.getYMax());
        }
      }
      views.add(view);
    }
    return views;
  }
}

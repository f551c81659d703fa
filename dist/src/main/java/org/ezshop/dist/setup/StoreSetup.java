package org.ezshop.dist.setup;

import com.google.protobuf.FieldMask;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.ezshop.edgelink.AgentYaml;
import org.ezshop.store.v1.CreateItemRequest;
import org.ezshop.store.v1.CreateStoreRequest;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.ListDevicesRequest;
import org.ezshop.store.v1.ListItemsRequest;
import org.ezshop.store.v1.ListShelfRowsRequest;
import org.ezshop.store.v1.ListStoresRequest;
import org.ezshop.store.v1.PutShelfRowRequest;
import org.ezshop.store.v1.RegisterDeviceRequest;
import org.ezshop.store.v1.ShelfRow;
import org.ezshop.store.v1.Store;
import org.ezshop.store.v1.StoreServiceGrpc.StoreServiceBlockingStub;
import org.ezshop.store.v1.UpdateItemRequest;

/**
 * Makes a running store what a {@link StoreFile} declares, and says what it did: items, then devices, then rows
 * (which name both). What already matches is left alone, so a second apply changes nothing. An item's stock is
 * set when it is created only: after that, sales and AdjustStock move it. A device registered here gets a new
 * token, written once into its agent's config and never printed.
 */
public final class StoreSetup {

  /** What an apply did; {@code tokens}: each device given a token, with it, for a caller in this process. */
  public record Outcome(int created, int updated, int unchanged, Map<String, String> tokens) {
  }

  private final StoreServiceBlockingStub store;
  private final String storeId;

  /**
   * @param store   StoreService, as the manager, its calls bound to {@code storeId} when there is one
   * @param storeId the chain's store the file lays out (made when missing); empty: the platform's one store
   */
  public StoreSetup(StoreServiceBlockingStub store, String storeId) {
    this.store = store;
    this.storeId = storeId;
  }

  public Outcome apply(StoreFile file, AgentConfigs configs, PrintStream out) throws IOException {
    int[] counts = new int[3];
    if (!storeId.isEmpty() && created(store, storeId)) {
      report(out, counts, 0, "store " + storeId, "created");
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    Map<String, Item> items = byKey(store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList(),
        Item::getSku);
    for (Item item : file.items()) {
      Item was = items.get(item.getSku());
      if (was == null) {
        store.createItem(CreateItemRequest.newBuilder().setItem(item).build());
        report(out, counts, 0, "item " + item.getSku(), "created");
      } else if (!described(was).equals(described(item))) {
        store.updateItem(UpdateItemRequest.newBuilder().setItem(described(item)).setUpdateMask(FieldMask.newBuilder()
            .addPaths("name").addPaths("price").addPaths("low_stock_threshold").addPaths("image_url")
            .addPaths("age_restricted").addPaths("minimum_age")).build());
        report(out, counts, 1, "item " + item.getSku(), "updated");
      } else {
        report(out, counts, 2, "item " + item.getSku(), "unchanged");
      }
    }
    Map<String, Device> devices = byKey(store.listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList(),
        Device::getDeviceId);
    for (StoreFile.Device device : file.devices()) {
      Device was = devices.get(device.id());
      if (was != null && was.getKind() == device.kind() && was.getCameraRole() == device.role()) {
        report(out, counts, 2, "device " + device.id(), "unchanged");
        continue;
      }
      String token = AgentYaml.newToken();
      store.registerDevice(RegisterDeviceRequest.newBuilder().setDeviceId(device.id()).setKind(device.kind())
          .setCameraRole(device.role()).setToken(token).build());
      tokens.put(device.id(), token);
      report(out, counts, was == null ? 0 : 1, "device " + device.id(), (was == null ? "created" : "updated, with a "
          + "new token") + "; its agent's config: " + configs.write(device, token, file));
    }
    Map<String, ShelfRow> rows = byKey(store.listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList(),
        ShelfRow::getRowId);
    for (ShelfRow row : file.rows()) {
      ShelfRow was = rows.get(row.getRowId());
      if (was != null && row.equals(was.toBuilder().clearStoreId().build())) {
        report(out, counts, 2, "row " + row.getRowId(), "unchanged");
      } else {
        store.putShelfRow(PutShelfRowRequest.newBuilder().setRow(row).build());
        report(out, counts, was == null ? 0 : 1, "row " + row.getRowId(), was == null ? "created" : "updated");
      }
    }
    return new Outcome(counts[0], counts[1], counts[2], tokens);
  }

  /** Creates the chain's store unless it exists; true when it did. */
  public static boolean created(StoreServiceBlockingStub store, String storeId) {
    if (store.listStores(ListStoresRequest.getDefaultInstance()).getStoresList().stream()
        .anyMatch(s -> s.getStoreId().equals(storeId))) {
      return false;
    }
    store.createStore(CreateStoreRequest.newBuilder().setStore(Store.newBuilder().setStoreId(storeId)
        .setName(storeId)).build());
    return true;
  }

  /** The running store as a store file. */
  public String export() {
    return StoreFileText.of(store.listItems(ListItemsRequest.getDefaultInstance()).getItemsList(),
        store.listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList(),
        store.listShelfRows(ListShelfRowsRequest.getDefaultInstance()).getRowsList());
  }

  // What a store file says of an item past its creation: all but stock (and the time it last changed).
  private static Item described(Item item) {
    return item.toBuilder().clearStock().clearUpdatedAt().clearStoreId().build();
  }

  private static void report(PrintStream out, int[] counts, int kind, String what, String done) {
    counts[kind]++;
    out.println("setup: " + what + ": " + done);
  }

  private static <T> Map<String, T> byKey(java.util.List<T> list, Function<T, String> key) {
    return list.stream().collect(Collectors.toMap(key, Function.identity()));
  }
}

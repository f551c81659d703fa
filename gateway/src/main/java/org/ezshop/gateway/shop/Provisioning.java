package org.ezshop.gateway.shop;

import static org.ezshop.edgelink.AgentYaml.quoted;

import io.vertx.core.Future;
import java.util.function.IntSupplier;
import org.ezshop.common.v1.DeviceKind;
import org.ezshop.edgelink.AgentYaml;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.gateway.link.EdgeLinks;
import org.ezshop.gateway.shelf.ShelfLayout;
import org.ezshop.gateway.shelf.Shelves;
import org.ezshop.shop.v1.RegisterDeviceRequest;
import org.ezshop.shop.v1.RegisterDeviceResponse;
import org.ezshop.shop.v1.RevokeDeviceResponse;
import org.ezshop.store.v1.Device;
import org.ezshop.store.v1.StoreServiceGrpcClient;

/**
 * The dashboard's device registration: a token made here, registered in store-svc (only its hash is kept there),
 * and answered once with the agent's config: android-edge's ready to run, pi-edge's with each sensor's wiring to
 * fill in (the platform does not know the pins). Registering a device again gives it a new token and closes the
 * stream on its old one; revoking it closes its stream too.
 */
public final class Provisioning {

  private final ServiceClient store;
  private final EdgeLinks links;
  private final Shelves shelves;
  private final String host;
  private final IntSupplier edgeLinkPort;
  private final boolean tls;

  /**
   * @param host         the gateway's --host, named in configs unless the caller says how devices reach it
   * @param edgeLinkPort the EdgeLink port, once bound
   * @param tls          whether the configs name the CA (ca.pem, beside them)
   */
  public Provisioning(ServiceClient store, EdgeLinks links, Shelves shelves, String host, IntSupplier edgeLinkPort,
      boolean tls) {
    this.store = store;
    this.links = links;
    this.shelves = shelves;
    this.host = host;
    this.edgeLinkPort = edgeLinkPort;
    this.tls = tls;
  }

  Future<RegisterDeviceResponse> register(RegisterDeviceRequest r) {
    String token = AgentYaml.newToken();
    return store.call(StoreServiceGrpcClient.RegisterDevice, org.ezshop.store.v1.RegisterDeviceRequest.newBuilder()
            .setDeviceId(r.getDeviceId()).setKind(r.getKind()).setCameraRole(r.getCameraRole()).setToken(token)
            .build())
        .map(registered -> {
          links.revoke(r.getDeviceId()); // a stream on an earlier token ends, and the token cache forgets it
          return RegisterDeviceResponse.newBuilder().setDevice(registered.getDevice()).setToken(token)
              .setAgentConfig(config(registered.getDevice(), token, r.getGatewayHost())).build();
        });
  }

  /** Revokes the device's token in store-svc, then closes its stream at once. */
  Future<RevokeDeviceResponse> revoke(String deviceId) {
    return store.call(StoreServiceGrpcClient.RevokeDevice, org.ezshop.store.v1.RevokeDeviceRequest.newBuilder()
        .setDeviceId(deviceId).build()).map(revoked -> {
          links.revoke(deviceId);
          return RevokeDeviceResponse.newBuilder().setDevice(revoked.getDevice()).build();
        });
  }

  private String config(Device device, String token, String gatewayHost) {
    String name = !gatewayHost.isBlank() ? gatewayHost : host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1"
        : host;
    String address = (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name) + ":"
        + edgeLinkPort.getAsInt();
    boolean shelf = device.getKind() == DeviceKind.DEVICE_KIND_SHELF;
    StringBuilder yaml = new StringBuilder(AgentYaml.header(shelf ? "pi-edge" : "android-edge",
        device.getDeviceId(), token, address, tls ? "ca.pem" : null));
    ShelfLayout layout = shelves.layout();
    if (shelf) {
      yaml.append("sensors:   # each sensor's wiring (pins; see pi-edge/shelf.example.yaml) is yours to add\n");
      layout.placements().stream().filter(p -> p.sensor().getDeviceId().equals(device.getDeviceId()))
          .forEach(p -> yaml.append("  - id: ").append(quoted(p.sensor().getSensorId())).append("\n    row: ")
              .append(quoted(p.row().getRowId())).append("\n    type: ").append(AgentYaml.sensorKind(p.sensor().getType()))
              .append('\n'));
    } else {
      yaml.append(AgentYaml.camera(AgentYaml.role(device.getCameraRole()), layout.placements().stream()
          .map(ShelfLayout.Placement::row).filter(row -> row.getCameraIdsList().contains(device.getDeviceId()))
          .map(row -> row.getRowId()).distinct().sorted().toList()));
      yaml.append(AgentYaml.scene(device.getDeviceId()));
    }
    return yaml.toString();
  }
}

package org.ezshop.gateway.link;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.ezshop.common.v1.CameraRole;
import org.ezshop.edge.v1.Command;
import org.ezshop.edge.v1.SendFrames;
import org.ezshop.gateway.fusion.CameraWatermarks;
import org.ezshop.rpc.EpochMillis;
import org.ezshop.store.v1.Device;

/** Every device the gateway has heard from, and the one stream each may have open. */
public final class EdgeLinks implements CameraWatermarks {

  private final ConcurrentHashMap<String, DeviceLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DeviceLink> byCamera = new ConcurrentHashMap<>();
  private final long startedMillis = System.currentTimeMillis();
  private final List<Consumer<String>> revocations = new CopyOnWriteArrayList<>();
  private volatile Set<String> registered = Set.of();
  private volatile Set<String> entrances = Set.of();

  public DeviceLink get(String deviceId) {
    return links.get(deviceId);
  }

  public Collection<DeviceLink> all() {
    return new ArrayList<>(links.values());
  }

  /** Makes the session the device's stream; the one it replaces, if any, is returned to be closed. */
  EdgeSession attach(String deviceId, EdgeSession session) {
    DeviceLink link = links.computeIfAbsent(deviceId, DeviceLink::new);
    synchronized (link) {
      EdgeSession before = link.session;
      link.session = session;
      link.connected = true;
      return before;
    }
  }

  DeviceLink link(String deviceId) {
    return links.computeIfAbsent(deviceId, DeviceLink::new);
  }

  /** The device named these cameras in its hello. */
  void cameras(DeviceLink link, Iterable<String> cameraIds) {
    cameraIds.forEach(camera -> byCamera.put(camera, link));
  }

  /**
   * Capture time (gateway time) up to which the camera's frames are all in and identified. For a camera no device
   * has named since the gateway started, the start: it may be on its way back with what it captured meanwhile.
   */
  @Override
  public long frameWatermark(String cameraId, long nowMillis) {
    return frameWatermark(byCamera.get(cameraId), nowMillis);
  }

  @Override
  public boolean missedSince(String cameraId, long fromMillis) {
    DeviceLink link = byCamera.get(cameraId);
    return fromMillis < startedMillis || link == null || !link.linkedSince(fromMillis);
  }

  @Override
  public boolean requestFrames(String cameraId, long fromMillis, long toMillis) {
    DeviceLink link = byCamera.get(cameraId);
    if (link == null) {
      return false;
    }
    long offset = link.clockOffsetMillis(); // the device's clock is the gateway's plus this
    return command(link.deviceId, Command.newBuilder().setCommandId("frames-" + cameraId + "-" + fromMillis)
        .setSendFrames(SendFrames.newBuilder().setFrom(EpochMillis.timestamp(fromMillis + offset))
            .setTo(EpochMillis.timestamp(toMillis + offset))).build());
  }

  /** The registry's entrance cameras, linked or not yet, each by its device's watermark. */
  @Override
  public Map<String, Long> entranceWatermarks(long nowMillis) {
    Map<String, Long> marks = new HashMap<>();
    entrances.forEach(device -> marks.put(device, frameWatermark(links.get(device), nowMillis)));
    return marks;
  }

  private long frameWatermark(DeviceLink link, long nowMillis) {
    return link == null ? startedMillis : Math.max(startedMillis, link.frameWatermark(nowMillis));
  }

  /** The devices store-svc has registered, as last loaded. */
  public Set<String> registered() {
    return registered;
  }

  /**
   * The devices store-svc has registered: which are entrance cameras, and whose token was set or revoked since
   * its open stream authenticated (through store-svc itself, not ShopService): that stream is closed.
   */
  public void registered(List<Device> devices) {
    registered = devices.stream().map(Device::getDeviceId).collect(Collectors.toUnmodifiableSet());
    entrances = devices.stream().filter(d -> d.getCameraRole() == CameraRole.CAMERA_ROLE_ENTRANCE)
        .map(Device::getDeviceId).collect(Collectors.toUnmodifiableSet());
    for (Device device : devices) {
      DeviceLink link = links.get(device.getDeviceId());
      EdgeSession session = null;
      if (link != null) {
        synchronized (link) {
          session = link.session;
        }
      }
      if (session != null && !session.device().getRegisteredAt().equals(device.getRegisteredAt())) {
        revoke(device.getDeviceId());
      }
    }
  }

  /** Hears of each device whose token is revoked (the token cache forgets it). */
  void onRevoke(Consumer<String> listener) {
    revocations.add(listener);
  }

  /** Closes the device's open stream, if any, with UNAUTHENTICATED: its token was revoked. */
  public void revoke(String deviceId) {
    revocations.forEach(listener -> listener.accept(deviceId));
    DeviceLink link = links.get(deviceId);
    EdgeSession session = null;
    if (link != null) {
      synchronized (link) {
        session = link.session;
      }
    }
    if (session != null) {
      session.revoked();
    }
  }

  /** Sends a command down the device's open stream; false when it has none. */
  public boolean command(String deviceId, org.ezshop.edge.v1.Command command) {
    DeviceLink link = links.get(deviceId);
    EdgeSession session;
    if (link == null) {
      return false;
    }
    synchronized (link) {
      session = link.session;
    }
    if (session == null) {
      return false;
    }
    session.command(command);
    return true;
  }

  /** Sends a command to the device that named the camera in its hello; false when it has no stream open. */
  public boolean commandCamera(String cameraId, org.ezshop.edge.v1.Command command) {
    DeviceLink link = byCamera.get(cameraId);
    return link != null && command(link.deviceId, command);
  }

  /** The sensors of these devices changed: those with a stream open get their config again where it changed. */
  public void layoutChanged(Set<String> devices) {
    for (String device : devices) {
      DeviceLink link = links.get(device);
      if (link == null) {
        continue;
      }
      EdgeSession session;
      synchronized (link) {
        session = link.session;
      }
      if (session != null) {
        session.layoutChanged();
      }
    }
  }

  void detach(DeviceLink link, EdgeSession session) {
    synchronized (link) {
      if (link.session == session) {
        link.session = null;
        link.connected = false;
        link.streamEnded(System.currentTimeMillis());
      }
    }
  }
}

package org.ezshop.gateway.link;

import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** Every device the gateway has heard from, and the one stream each may have open. */
public final class EdgeLinks {

  private final ConcurrentHashMap<String, DeviceLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DeviceLink> byCamera = new ConcurrentHashMap<>();
  private final long startedMillis = System.currentTimeMillis();

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
  public long frameWatermark(String cameraId, long nowMillis) {
    DeviceLink link = byCamera.get(cameraId);
    return link == null ? startedMillis : Math.max(startedMillis, link.frameWatermark(nowMillis));
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

  /** The shelf layout changed: every open stream's device gets its config again where it changed. */
  public void layoutChanged() {
    for (DeviceLink link : all()) {
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

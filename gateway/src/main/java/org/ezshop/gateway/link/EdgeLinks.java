package org.ezshop.gateway.link;

import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** Every device the gateway has heard from, and the one stream each may have open. */
public final class EdgeLinks {

  private final ConcurrentHashMap<String, DeviceLink> links = new ConcurrentHashMap<>();

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
      }
    }
  }
}

package org.ezshop.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.ezshop.camera.runner.AndroidEdge;
import org.ezshop.camera.runner.CameraConfigFile;
import org.ezshop.pi.PiEdge;
import org.ezshop.pi.SimulatedShelf;
import org.ezshop.pi.config.ConfigFile;

/**
 * The original rack's agents for one store of a chain (its ids prefixed with the store's), in this process, on the
 * configs setup wrote: pi-edge on Pi4J's mock pins, its rows full until told, and a runner per camera on its scene
 * folder. Ana walks through the store by her photo moving from folder to folder.
 */
final class StoreAgents implements AutoCloseable {

  private final Path devices;
  private final String store;
  private final SimulatedShelf rack = new SimulatedShelf(0, SimulatedShelf.EMPTY_MM);
  private final ExecutorService piThread = Executors.newSingleThreadExecutor();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final List<AndroidEdge> cameras = new ArrayList<>();
  private Future<?> pi;

  private StoreAgents(Path devices, String store) {
    this.devices = devices;
    this.store = store;
  }

  static StoreAgents start(Path devices, String store) throws Exception {
    StoreAgents agents = new StoreAgents(devices, store);
    var config = ConfigFile.read(devices.resolve(store + "-pi-1.yaml"), Map.of());
    agents.pi = agents.piThread.submit(() -> {
      PiEdge.run(config, agents.rack, agents.stop);
      return null;
    });
    for (String camera : List.of("cam-entrance", "cam-exit", "cam-shelf")) {
      agents.cameras.add(AndroidEdge.start(CameraConfigFile.read(devices.resolve(store + "-" + camera + ".yaml"),
          Map.of()), text -> { }));
    }
    return agents;
  }

  void walkIn(BooleanSupplier entered) throws Exception {
    Path atDoor = stand("cam-entrance");
    ChainTest.waitFor(entered, "Ana in store " + store);
    Files.delete(atDoor);
  }

  /** At the rack, seen by its camera, she takes a bag of chips (row 2); then out past the exit camera. */
  void takeChipsAndWalkOut(BooleanSupplier charged, BooleanSupplier walkedOut) throws Exception {
    Path atRack = stand("cam-shelf");
    rack.command("take " + store + "-rack-row2-us");
    ChainTest.waitFor(charged, "the chips in Ana's cart in store " + store);
    Files.delete(atRack);
    Path atExit = stand("cam-exit");
    ChainTest.waitFor(walkedOut, "Ana out of store " + store);
    Files.delete(atExit);
  }

  private Path stand(String camera) throws Exception {
    Path staged = devices.resolve(store + "-" + camera + "-ana.part");
    Files.copy(ChainTest.ANA, staged);
    return Files.move(staged, devices.resolve(store + "-" + camera + "-scene/ana.jpg"),
        StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() throws Exception {
    stop.countDown();
    piThread.shutdown();
    piThread.awaitTermination(10, TimeUnit.SECONDS);
    cameras.forEach(AndroidEdge::close);
    if (pi != null) {
      pi.get(10, TimeUnit.SECONDS);
    }
  }
}

package org.ezshop.load.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ezshop.load.sim.SimSettings;
import org.ezshop.rpc.Tls;

/**
 * A chaos run.
 *
 * @param profile    {@code short} (every fault once, evenly, over ~110 s of store) or {@code long} (a fault every
 *                   20–60 s over ~31 minutes of the hard store)
 * @param seed       seed of the fault schedule
 * @param sim        the simulated store, run once clean and once under faults
 * @param pgUrl      the PostgreSQL the runs make their databases beside
 * @param pgCluster  the local cluster ("15 main") that a PostgreSQL restart restarts; empty: that fault is left out
 * @param launcher   the command that starts `ezshop` (java, class path, main class), for the services' processes
 * @param tls        the services' certificate and key, and the CA the gateway and the simulated store trust
 * @param out        where the logs and the report go
 */
public record ChaosSettings(String profile, long seed, SimSettings sim, String pgUrl, Optional<String> pgCluster,
    List<String> launcher, Tls tls, Path out) {

  /** What each profile sets unless told otherwise: the simulated store's size and pace. */
  public static final Map<String, Map<String, String>> PROFILES = Map.of(
      "short", Map.of("sim-profile", "easy", "sim-shoppers", "6", "sim-rows", "8", "sim-minutes", "4", "sim-speed",
          "4"),
      "long", Map.of("sim-profile", "hard", "sim-shoppers", "20", "sim-rows", "40", "sim-minutes", "60", "sim-speed",
          "1"));

  boolean everyFaultOnce() {
    return profile.equals("short");
  }
}

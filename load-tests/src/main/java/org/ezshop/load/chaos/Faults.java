package org.ezshop.load.chaos;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Carries out a fault schedule, one fault after another, on the run's processes, proxies and database. */
final class Faults {

  /** A kill before a pick is one only when the pick comes within this long of the process's return. */
  static final long PICK_AFTER_RETURN_MILLIS = 10_000;

  private final ServiceProcess store;
  private final ServiceProcess identity;
  private final ServiceProcess gateway;
  private final FaultProxy toStore;
  private final FaultProxy toIdentity;
  private final FaultProxy devices;
  private final Optional<String> pgCluster;

  Faults(ServiceProcess store, ServiceProcess identity, ServiceProcess gateway, FaultProxy toStore,
      FaultProxy toIdentity, FaultProxy devices, Optional<String> pgCluster) {
    this.store = store;
    this.identity = identity;
    this.gateway = gateway;
    this.toStore = toStore;
    this.toIdentity = toIdentity;
    this.devices = devices;
    this.pgCluster = pgCluster;
  }

  /** Plays the schedule from {@code start}; returns when the last fault is over. */
  List<ChaosRun.Done> play(List<Fault> schedule, long start, PrintStream out) throws InterruptedException {
    List<ChaosRun.Done> done = new ArrayList<>();
    for (Fault fault : schedule) {
      Thread.sleep(Math.max(0, start + fault.atMillis() - System.currentTimeMillis()));
      long began = System.currentTimeMillis();
      String error = null;
      String outcome = "";
      try {
        inject(fault);
        if (fault.kind() == Fault.Kind.KILL_BEFORE_PICK) {
          long afterReturn = start + fault.atMillis() + fault.millis() - System.currentTimeMillis();
          outcome = String.format(": the pick was due %.1f s after its return", afterReturn / 1000.0);
          if (afterReturn < 0 || afterReturn > PICK_AFTER_RETURN_MILLIS) {
            error = "the pick was due " + afterReturn + " ms after the gateway's return, not within "
                + PICK_AFTER_RETURN_MILLIS + " ms";
          }
        }
      } catch (Exception e) {
        error = e.getMessage();
      }
      ChaosRun.Done d = new ChaosRun.Done(fault, began - start, System.currentTimeMillis() - began, error);
      out.printf("chaos: [%5.1f s] %s (%.1f s)%s%n", d.startedMillis() / 1000.0, fault, d.tookMillis() / 1000.0,
          error == null ? outcome : ": FAILED: " + error);
      done.add(d);
    }
    return done;
  }

  private void inject(Fault fault) throws Exception {
    switch (fault.kind()) {
      case KILL, KILL_BEFORE_PICK -> {
        ServiceProcess p = fault.target().equals(Fault.STORE) ? store : fault.target().equals(Fault.IDENTITY)
            ? identity : gateway;
        p.kill();
        p.start();
      }
      case PG_RESTART -> restartPostgres();
      case CUT, STALL -> {
        FaultProxy proxy = fault.target().equals(Fault.GATEWAY_TO_STORE) ? toStore : devices;
        boolean cut = fault.kind() == Fault.Kind.CUT;
        if (cut) {
          proxy.cut(true);
        } else {
          proxy.stall(true);
        }
        Thread.sleep(fault.millis());
        if (cut) {
          proxy.cut(false);
        } else {
          proxy.stall(false);
        }
      }
      case SLOW -> {
        toIdentity.delay(1000);
        Thread.sleep(fault.millis());
        toIdentity.delay(0);
      }
    }
  }

  private void restartPostgres() throws Exception {
    String[] cluster = pgCluster.orElseThrow(() -> new IllegalStateException("no local cluster to restart "
        + "(EZSHOP_PG_CLUSTER)")).trim().split("\\s+");
    List<String> command = new ArrayList<>(List.of("pg_ctlcluster", cluster[0], cluster[1], "restart", "-m", "fast"));
    if (!"root".equals(System.getProperty("user.name"))) {
      command.addAll(0, List.of("sudo", "-n"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
    }
  }
}

package org.ezshop.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ezshop.load.chaos.ServiceProcess;

/** A launcher command (`ezshop store`, `gateway`, ...) as a process of its own, on this JVM's java and classpath. */
final class LauncherProcess {

  private LauncherProcess() {
  }

  /**
   * @param jvm options before the launcher's class (e.g. -Xmx1g)
   * @param dir where its log, NAME.log, goes
   */
  static ServiceProcess of(String name, List<String> jvm, List<String> args, int port, Path dir,
      Map<String, String> env) {
    return of(name, jvm, args, "127.0.0.1", port, dir, env);
  }

  /** One that listens on {@code host}. */
  static ServiceProcess of(String name, List<String> jvm, List<String> args, String host, int port, Path dir,
      Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvm);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Ezshop.class.getName()));
    command.addAll(args);
    return new ServiceProcess(name, command, host, port, dir.resolve(name + ".log"), env);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

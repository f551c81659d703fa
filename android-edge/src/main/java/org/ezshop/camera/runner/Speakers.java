package org.ezshop.camera.runner;

import java.io.File;
import java.io.IOException;
import org.ezshop.camera.core.Speaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runner's speakers: a log line always, and espeak-ng's voice when it is installed. */
final class Speakers {

  private static final Logger LOG = LoggerFactory.getLogger(Speakers.class);

  private Speakers() {
  }

  static Speaker of(CameraConfig.SpeakerKind kind) {
    boolean espeak = kind == CameraConfig.SpeakerKind.ESPEAK
        || (kind == CameraConfig.SpeakerKind.AUTO && onPath("espeak-ng"));
    if (kind == CameraConfig.SpeakerKind.ESPEAK && !onPath("espeak-ng")) {
      throw new IllegalStateException("speaker: espeak-ng is not installed (apt install espeak-ng), or use log");
    }
    return text -> {
      LOG.info("event=greet text=\"{}\"", text);
      if (espeak) {
        try {
          new ProcessBuilder("espeak-ng", "--", text).redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start(); // speaks on its own; never waited for
        } catch (IOException e) {
          LOG.warn("event=espeak_failed error={}", e.getMessage());
        }
      }
    };
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }
}

package org.ezshop.dist;

import java.util.Optional;

/** The launcher's help: every command, or one command and the options it reads, from the tables. */
final class Usage {

  private Usage() {
  }

  static String text(Optional<Command> topic) {
    StringBuilder out = new StringBuilder();
    if (topic.isPresent()) {
      Command command = topic.get();
      out.append("Usage: ezshop ").append(command.name).append(" [--option value ...]\n\n");
      out.append(wrap(command.help, "  ")).append("\nOptions (flag, environment variable, default):\n");
      Option.stream().filter(command.options::contains).forEach(option -> out.append(line(option)));
    } else {
      out.append("Usage: ezshop COMMAND [--option value ...]\n\nCommands:\n");
      for (Command command : Command.values()) {
        out.append(String.format("  %-15s%s%n", command.name, wrap(command.help, " ".repeat(17)).strip()));
      }
      out.append("\nOptions (flag, environment variable, default):\n");
      Option.stream().forEach(option -> out.append(line(option)));
    }
    out.append("\nA flag beats its variable, which beats the --config file, which beats the default.\n");
    return out.toString();
  }

  private static String line(Option option) {
    return String.format("  --%-18s %-26s %s%n      %s%n", option.flag, option.env(),
        option.defaultValue.isEmpty() ? "" : "[" + option.defaultValue + "]", option.help);
  }

  // Breaks text into lines of at most 100 characters, each after the indent.
  private static String wrap(String text, String indent) {
    StringBuilder out = new StringBuilder(indent);
    int width = indent.length();
    for (String word : text.split(" ")) {
      if (width + word.length() > 100 && width > indent.length()) {
        out.append('\n').append(indent);
        width = indent.length();
      }
      out.append(word).append(' ');
      width += word.length() + 1;
    }
    return out.toString().replace(" \n", "\n").stripTrailing() + "\n";
  }
}

package io.annals.ops;

/** One sub-command of the ops CLI; {@code run} returns the process exit code. */
public interface Command {

  /** The exit code of a wrong command line, the same in every command and in the other jars. */
  int USAGE_ERROR = 2;

  /** One line shown in the CLI's usage. */
  String summary();

  int run(String[] args) throws Exception;
}

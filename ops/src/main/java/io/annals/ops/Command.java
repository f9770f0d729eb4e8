package io.annals.ops;

/** One sub-command of the ops CLI; {@code run} returns the process exit code. */
public interface Command {

  /** One line shown in the CLI's usage. */
  String summary();

  int run(String[] args) throws Exception;
}

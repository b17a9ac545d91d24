// Names a process gets from the account and the toolchain it runs under, never from the app: the
// login (HOME, USER, LOGNAME, SHELL, PATH) and where the VM keeps its interpreter and libraries
// (rvm's GEM_HOME and GEM_PATH, rbenv, nvm, pyenv, a venv's VIRTUAL_ENV, JAVA_HOME, GOPATH). Two
// readers share the list, so they cannot disagree: the pm2 read (src/detect/pm2.ts), whose dump
// copies the whole environment of the shell that started pm2, and the design
// (rules/app-env.ts), which keeps them out of Cloud Run, where the image has its own: carried over,
// the VM's PATH or GEM_PATH hides the image's `bundle`, `node` or `python`, and the app no longer starts.

/** The login the process runs as: `Environment=USER=git HOME=/home/git` in a unit, a shell's own. */
const ACCOUNT = ["HOME", "USER", "LOGNAME", "SHELL", "PATH"];

/** Where the VM keeps the app's interpreter, gems and libraries (the version managers' own names too). */
const TOOLCHAIN = [
  "LD_LIBRARY_PATH",
  "GEM_HOME",
  "GEM_PATH",
  "BUNDLE_PATH",
  "BUNDLE_BIN",
  "MY_RUBY_HOME",
  "RUBY_ROOT",
  "RBENV_ROOT",
  "RBENV_VERSION",
  "RVM_[A-Z_]+",
  "NVM_[A-Z_]+",
  "NODE_PATH",
  "PYENV_ROOT",
  "PYENV_VERSION",
  "VIRTUAL_ENV",
  "JAVA_HOME",
  "GOROOT",
  "GOPATH",
];

const LOGIN = new RegExp(`^(${[...ACCOUNT, ...TOOLCHAIN].join("|")})$`);

/** A name the login or the VM's toolchain sets (compared in upper case: env names are read as the app spells them). */
export const isLoginEnv = (name: string): boolean => LOGIN.test(name.toUpperCase());

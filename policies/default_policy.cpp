#include "policies/default_policy.h"

namespace agent::policy {

namespace {

constexpr const char* kCommon = R"toml(
[defaults]
command = "allow"   # the sandbox contains commands; the rules catch what reaches beyond it
write = "allow"
dynamic = "ask"     # `$X args`: the program is unknown until it runs
opaque = "allow"    # scripts and interpreters (bash x.sh, python -c) run inside the sandbox
network = "allow"   # --network on is the user's own choice

[[command]]
prefix = [["sudo", "su", "doas", "pkexec", "runuser"]]
decision = "deny"
reason = "commands run without privileges: switching user cannot work in the sandbox"
match = ["sudo apt-get install -y x", "cd / && su -c id", "env A=1 sudo ls", "/usr/bin/sudo true", "bash -c 'sudo id'"]
not_match = ["sudoku", "echo sudo"]

[[command]]
prefix = [["shutdown", "reboot", "halt", "poweroff"]]
decision = "deny"
reason = "turns the machine off"
match = ["sleep 1; reboot", "/sbin/shutdown -h now"]

[[command]]
prefix = [["mkfs", "mkfs.*", "fdisk", "sfdisk", "parted", "wipefs"]]
decision = "deny"
reason = "formats or repartitions disks"
match = ["mkfs.ext4 /dev/sda1", "timeout 5 wipefs -a /dev/sdb"]

[[command]]
prefix = ["rm", ["-rf", "-fr", "-Rf", "-fR", "-r", "-R", "--recursive"], ["/", "/[*]", "~", "~/", "~/[*]", ".", "..", "[*]"]]
decision = "deny"
reason = "deletes a whole tree (the root, the home, the current folder)"
match = ["rm -rf /", "rm -rf ~", "nice -n 5 rm -r .", "echo ok && /bin/rm -rf *"]
not_match = ["rm -rf build", "rm -f x", "rm -rf /tmp/x", "rm -rf ./build"]

[[command]]
prefix = ["git", "push"]
decision = "ask"
reason = "publishes commits to a remote"
match = ["git push", "git push -f origin main", "make && git push", "sh -c \"git push\""]
not_match = ["git pull", "git stash push"]

[[command]]
prefix = ["git", "clean"]
decision = "ask"
reason = "deletes untracked files"
match = ["git clean -fdx"]
not_match = ["git status"]

[[command]]
prefix = ["git", "reset", "--hard"]
decision = "ask"
reason = "discards uncommitted changes"
match = ["git reset --hard HEAD~1"]
not_match = ["git reset HEAD file.c", "git reset"]

[[command]]
prefix = [["npm", "pnpm", "yarn", "cargo", "gem", "docker", "podman", "poetry", "uv"], ["publish", "push", "yank"]]
decision = "ask"
reason = "publishes a package or an image"
match = ["npm publish", "cargo publish --dry-run", "docker push img"]
not_match = ["npm test", "cargo build"]

[[command]]
prefix = [["twine", "gh", "glab", "kubectl", "helm", "terraform", "pulumi", "aws", "gcloud", "az", "flyctl", "heroku", "vercel"]]
decision = "ask"
reason = "acts on remote services or infrastructure"
match = ["gh pr create", "terraform apply", "twine upload dist/*"]

[[write]]
path = "**/.git/**"
decision = "deny"
reason = "git's own files: hooks and config written here would run outside the sandbox"
match = [".git/hooks/pre-commit", ".git/config", "vendor/lib/.git/hooks/post-checkout"]
not_match = [".gitignore", "src/git/x.c"]

[[write]]
path = ".agent/**"
decision = "deny"
reason = "the agent's own project configuration (its policy)"
match = [".agent/policy.toml"]

[[write]]
path = ".github/workflows/**"
decision = "ask"
reason = "CI workflows run later, with the repository's secrets"
match = [".github/workflows/ci.yml"]
not_match = [".github/CODEOWNERS"]

[[write]]
path = "**/.husky/**"
decision = "ask"
reason = "husky hooks run at your next git commit, outside the sandbox"
match = [".husky/pre-commit"]

[[write]]
path = "**/.envrc"
decision = "ask"
reason = "direnv runs it when you enter the folder"
match = [".envrc", "sub/.envrc"]

[[write]]
path = ".vscode/**"
decision = "ask"
reason = "editor settings and tasks can run commands when you open the folder"
match = [".vscode/tasks.json"]
)toml";

// Without a sandbox, only commands that cannot change anything run without asking.
constexpr const char* kUnsandboxed = R"toml(
[defaults]
command = "ask"
opaque = "ask"

[[command]]
prefix = [["ls", "cat", "head", "tail", "wc", "grep", "rg", "pwd", "echo", "printf", "true", "false", "which", "file", "stat", "diff", "sort", "uniq", "cut", "basename", "dirname", "realpath", "date", "tree", "less", "more"]]
decision = "allow"
reason = "reads only"
match = ["ls -la", "cat a | grep b | wc -l"]

[[command]]
prefix = ["git", ["status", "diff", "log", "show", "branch", "rev-parse", "ls-files", "blame", "grep"]]
decision = "allow"
reason = "reads the repository only"
match = ["git status", "git log --oneline -5"]
not_match = ["git commit -m x"]
)toml";

}  // namespace

std::string builtin_policy_toml(bool sandboxed) {
  std::string t = kCommon;
  if (!sandboxed) {
    // Appended after kCommon's [defaults]: TOML forbids a second [defaults] table, so the
    // unsandboxed layer is parsed separately (builtin_policy) and only shown here.
    t += "\n# with --sandbox off, also:\n";
    t += kUnsandboxed;
  }
  return t;
}

Result<PolicyLayer> builtin_policy(bool sandboxed) {
  AGENT_ASSIGN_OR_RETURN(PolicyLayer base, parse_policy_layer(kCommon, "built-in", Layer::kBuiltin));
  if (sandboxed) return base;
  AGENT_ASSIGN_OR_RETURN(PolicyLayer off, parse_policy_layer(kUnsandboxed, "built-in (sandbox off)", Layer::kBuiltin));
  base.command = off.command;
  base.opaque = off.opaque;
  base.commands.insert(base.commands.end(), off.commands.begin(), off.commands.end());
  return base;
}

}  // namespace agent::policy

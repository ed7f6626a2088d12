# POSIX conformance checks, modelled on pjdfstest's coverage. Sourced in the guest with the current directory
# an empty directory on the filesystem under test and FS set to its label; pj.pl at $PJ.
# Every check prints "PASS|FAIL <fs>: <what> -> <expected>"; the caller reads $pass and $fail.
pass=0; fail=0
N=65534  # nobody / nogroup
result() { # result WANT GOT WHAT
  if [ "$2" = "$1" ]; then pass=$((pass+1)); echo "PASS $FS: $3 -> $1"
  else fail=$((fail+1)); echo "FAIL $FS: $3 -> $2 (expected $1)"; fi
}
expect() { # expect ERRNO|0 [-u] OP ARGS...   (-u: as uid/gid 65534)
  want="$1"; shift
  if [ "$1" = "-u" ]; then shift; got="$(setpriv --reuid=$N --regid=$N --clear-groups perl "$PJ" "$@" 2>&1)"; what="[nobody] $*"
  else got="$(perl "$PJ" "$@" 2>&1)"; what="$*"; fi
  result "$want" "$got" "$what"
}
is() { result "$2" "$3" "$1"; }            # is WHAT WANT GOT
st() { stat -c "$1" "$2" 2>&1; }           # st FORMAT PATH
lst() { stat -c "$1" -L "$2" 2>&1; }
umask 022
chmod 0777 .

# --- open / O_CREAT / O_EXCL --------------------------------------------------------------------------------
expect 0 open f O_CREAT,O_WRONLY 0644
is "open O_CREAT makes a regular file" "regular empty file 644 0" "$(st '%F %a %u' f)"
expect EEXIST open f O_CREAT,O_EXCL,O_WRONLY 0644
expect 0 open f O_CREAT,O_WRONLY 0600
is "O_CREAT on an existing file keeps its mode" 644 "$(st %a f)"
expect ENOENT open nonexistent O_RDONLY
expect ENOENT open nodir/f O_CREAT,O_WRONLY 0644
expect ENOTDIR open f/x O_CREAT,O_WRONLY 0644
mkdir od
expect EISDIR open od O_WRONLY
expect 0 open od O_RDONLY,O_DIRECTORY
expect ENOTDIR open f O_RDONLY,O_DIRECTORY
ln -s f of.lnk; ln -s dangling od.lnk
expect ELOOP open of.lnk O_RDONLY,O_NOFOLLOW
expect EEXIST open od.lnk O_CREAT,O_EXCL,O_WRONLY 0644
is "O_CREAT|O_EXCL did not create the symlink's target" no "$( [ -e dangling ] && echo yes || echo no)"
printf 'some bytes' > ot
expect 0 open ot O_WRONLY,O_TRUNC
is "O_TRUNC empties the file" 0 "$(st %s ot)"
umask 077; expect 0 open om O_CREAT,O_WRONLY 0666; umask 022
is "O_CREAT honours the umask" 600 "$(st %a om)"
chmod 0600 ot
expect EACCES -u open ot O_RDONLY
chmod 0755 od
expect EACCES -u open od/new O_CREAT,O_WRONLY 0644
expect 0 -u open f O_RDONLY
expect EACCES -u open f O_WRONLY

# --- mkdir ----------------------------------------------------------------------------------------------------
expect 0 mkdir d 0755
is "mkdir makes a directory with the mode" "directory 755 2" "$(st '%F %a %h' d)"
expect EEXIST mkdir d 0755
expect EEXIST mkdir f 0755
expect ENOENT mkdir nodir/d 0755
expect ENOTDIR mkdir f/d 0755
p="$(st %h .)"; mkdir d2
is "mkdir increments the parent's link count" $((p+1)) "$(st %h .)"
expect EACCES -u mkdir od/sub 0755
expect 0 mkdir "$(printf 'n%.0s' $(seq 255))" 0755
expect ENAMETOOLONG mkdir "$(printf 'n%.0s' $(seq 256))" 0755
mkdir sg; chown 0:$N sg; chmod 2775 sg; mkdir sg/sub; : > sg/file
is "setgid directory: new file inherits the group" $N "$(st %g sg/file)"
is "setgid directory: new subdirectory inherits group and setgid" "$N 2755" "$(st '%g %a' sg/sub)"

# --- chmod ----------------------------------------------------------------------------------------------------
: > cm
expect 0 chmod cm 0751
is "chmod sets the mode" 751 "$(st %a cm)"
expect 0 chmod cm 04755
is "chmod sets setuid" 4755 "$(st %a cm)"
expect 0 chmod cm 01777
is "chmod sets sticky on a file" 1777 "$(st %a cm)"
ln -s cm cm.lnk
expect 0 chmod cm.lnk 0640
is "chmod follows a symlink" "640 777" "$(st %a cm) $(st %a cm.lnk)"
expect ENOENT chmod nonexistent 0644
expect ENOTDIR chmod cm/x 0644
expect EPERM -u chmod cm 0777
chown $N:$N cm
expect 0 -u chmod cm 0600
is "the owner may chmod" 600 "$(st %a cm)"

# --- chown ----------------------------------------------------------------------------------------------------
: > co
expect 0 chown co $N $N
is "chown sets owner and group" "$N $N" "$(st '%u %g' co)"
expect 0 chown co -1 0
is "chown -1 keeps the owner" "$N 0" "$(st '%u %g' co)"
expect EPERM -u chown co 0 -1
: > co2
expect EPERM -u chown co2 $N -1
chmod 04755 co2
expect 0 chown co2 $N -1
is "chown clears setuid on a regular file" 755 "$(st %a co2)"
ln -s co2 co.lnk
expect 0 lchown co.lnk $N $N
is "lchown changes the link, not the target" "$N $N / $N 0" "$(st '%u %g' co.lnk) / $(lst '%u %g' co.lnk)"
expect 0 chown co.lnk 0 0
is "chown follows a symlink" "0 0" "$(lst '%u %g' co.lnk)"
expect ENOENT chown nonexistent 0 0

# --- link -----------------------------------------------------------------------------------------------------
echo linked > l1
expect 0 link l1 l2
is "link: both names share the inode, nlink 2" "2 2 yes" "$(st %h l1) $(st %h l2) $( [ "$(st %i l1)" = "$(st %i l2)" ] && echo yes)"
expect EEXIST link l1 l2
expect ENOENT link nonexistent l3
mkdir ld
expect EPERM link ld ld2
expect ENOTDIR link l1/x l3
expect 0 unlink l1
is "unlink of one name keeps the other (content, nlink 1)" "linked 1" "$(cat l2) $(st %h l2)"
chmod 0600 l2
expect 0 link l2 od/l2
is "link into another directory" 2 "$(st %h l2)"

# --- mkfifo / mknod -------------------------------------------------------------------------------------------
expect 0 mkfifo fifo 0644
is "mkfifo makes a fifo" "fifo 644" "$(st '%F %a' fifo)"
expect EEXIST mkfifo fifo 0644
expect ENOENT mkfifo nodir/fifo 0644
expect 0 mknod nfifo 010640 0
is "mknod S_IFIFO" "fifo 640" "$(st '%F %a' nfifo)"
expect 0 mknod nreg 0100640 0
is "mknod S_IFREG" "regular empty file 640" "$(st '%F %a' nreg)"
expect 0 mknod nchr 020644 259
is "mknod S_IFCHR 1,3" "character special file 1 3" "$(st '%F %t %T' nchr)"
expect 0 mknod nblk 060644 1793
is "mknod S_IFBLK 7,1" "block special file 7 1" "$(st '%F %t %T' nblk)"
expect EEXIST mknod nreg 0100640 0
expect EPERM -u mknod nchr.u 020644 259

# --- symlink --------------------------------------------------------------------------------------------------
expect 0 symlink some/target sl
is "symlink and readlink" "symbolic link some/target" "$(st %F sl) $(readlink sl)"
expect EEXIST symlink other sl
expect EEXIST symlink other f
expect ENOENT open sl O_RDONLY
long="$(printf 'x%.0s' $(seq 1000))"
expect 0 symlink "$long" sl.long
is "a 1000-byte symlink target round-trips" 1000 "$(readlink sl.long | tr -d '\n' | wc -c)"
ln -s loop2 loop1; ln -s loop1 loop2
expect ELOOP open loop1 O_RDONLY
expect ENOENT symlink t nodir/sl

# --- truncate -------------------------------------------------------------------------------------------------
printf '0123456789' > t
expect 0 truncate t 1048576
is "truncate grows with zeros" "1048576 yes" "$(st %s t) $(tail -c +11 t | cmp -s - /dev/zero -n 1048566 && echo yes)"
expect 0 truncate t 4
is "truncate shrinks" 0123 "$(cat t)"
expect 0 truncate t 8
is "bytes beyond a shrink read back as zeros" "30313233000000000000" "$(od -An -tx1 t | tr -d ' \n')0000"
expect EISDIR truncate d 0
expect ENOENT truncate nonexistent 0
expect EINVAL truncate t -1
chmod 0644 t
expect EACCES -u truncate t 0
chmod 0666 t
expect 0 -u truncate t 2
is "truncate with write permission" 2 "$(st %s t)"

# --- unlink ---------------------------------------------------------------------------------------------------
: > u
expect 0 unlink u
is "unlink removes the name" gone "$( [ -e u ] || echo gone)"
expect ENOENT unlink u
expect EISDIR unlink d
expect ENOTDIR unlink t/x
ln -s t u.lnk
expect 0 unlink u.lnk
is "unlink of a symlink keeps the target" yes "$( [ -e t ] && echo yes)"
echo still here > uo
exec 3< uo; rm uo
is "an unlinked open file stays readable" "still here" "$(cat <&3)"
exec 3<&-
mkdir -m 1777 sticky; : > sticky/rootfile; mkdir sticky/rootdir
expect EPERM -u unlink sticky/rootfile
expect EPERM -u rename sticky/rootfile sticky/moved
expect EACCES -u unlink od/l2

# --- rmdir ----------------------------------------------------------------------------------------------------
mkdir rd
p="$(st %h .)"
expect 0 rmdir rd
is "rmdir decrements the parent's link count" $((p-1)) "$(st %h .)"
mkdir rd; : > rd/x
expect ENOTEMPTY rmdir rd
expect ENOTDIR rmdir f
expect ENOENT rmdir nonexistent
expect EINVAL rmdir rd/.
expect EPERM -u rmdir sticky/rootdir

# --- rename ---------------------------------------------------------------------------------------------------
echo a > ra; i="$(st %i ra)"
expect 0 rename ra rb
is "rename keeps the inode and drops the old name" "$i gone" "$(st %i rb) $( [ -e ra ] || echo gone)"
echo c > rc
expect 0 rename rc rb
is "rename over a file replaces it" c "$(cat rb)"
mkdir rd1 rd2
expect 0 rename rd1 rd2
is "rename a directory over an empty one" "yes gone" "$( [ -d rd2 ] && echo yes) $( [ -e rd1 ] || echo gone)"
mkdir rd3; : > rd/y
expect ENOTEMPTY rename rd3 rd
expect EISDIR rename rb rd
expect ENOTDIR rename rd rb
mkdir -p tree/a/b
expect EINVAL rename tree tree/a/b/c
expect EINVAL rename tree/a tree/a/b
expect ENOENT rename nonexistent x
expect 0 rename rb rb
ln rb rb2
expect 0 rename rb rb2
is "rename between two links of one inode is a no-op" "2 yes" "$(st %h rb) $( [ -e rb ] && [ -e rb2 ] && echo yes)"
mkdir mv1 mv2; mkdir mv1/sub
p1="$(st %h mv1)"; p2="$(st %h mv2)"
expect 0 rename mv1/sub mv2/sub
is "moving a directory fixes both parents' link counts" "$((p1-1)) $((p2+1))" "$(st %h mv1) $(st %h mv2)"
is "the moved directory's .. is its new parent" "$(st %i mv2)" "$(st %i mv2/sub/..)"
ln -s rb rl
expect 0 rename rl rl2
is "rename a symlink moves the link" "rb" "$(readlink rl2)"

# --- utimensat ------------------------------------------------------------------------------------------------
: > ut
expect 0 utime ut 1000000000 1000000001
is "utime sets atime and mtime exactly" "1000000000 1000000001" "$(st '%X %Y' ut)"
chmod 0666 ut
expect 0 -u utime_now ut
is "write permission allows setting times to now" yes "$( [ "$(st %Y ut)" -gt 1000000001 ] && echo yes)"
expect EPERM -u utime ut 5 5
chmod 0644 ut
expect EACCES -u utime_now ut
perl "$PJ" utime ut 1000000000 1000000000 > /dev/null; echo more >> ut
is "a write updates mtime" yes "$( [ "$(st %Y ut)" -gt 1000000000 ] && echo yes)"
mkdir ud; perl "$PJ" utime ud 1000000000 1000000000 > /dev/null; : > ud/new
is "creating an entry updates the directory's mtime" yes "$( [ "$(st %Y ud)" -gt 1000000000 ] && echo yes)"
c0="$(st %Z ut)"; sleep 1; chmod 0640 ut
is "chmod updates ctime" yes "$( [ "$(st %Z ut)" -gt "$c0" ] && echo yes)"

# --- extended attributes --------------------------------------------------------------------------------------
: > xa
if ! command -v setfattr > /dev/null; then
  echo "SKIP $FS: xattrs (no setfattr here)"
elif ! msg="$(setfattr -n user.probe -v 1 xa 2>&1)" && echo "$msg" | grep -q 'not supported'; then
  echo "SKIP $FS: xattrs ($msg)"
else
  setfattr -n user.k -v v1 xa
  is "setfattr/getfattr round-trip" v1 "$(getfattr --only-values -n user.k xa 2>&1)"
  is "listxattr names it" yes "$(getfattr -d xa 2>/dev/null | grep -q '^user.k=' && echo yes)"
  setfattr -n user.k -v v2 xa
  is "setfattr replaces the value" v2 "$(getfattr --only-values -n user.k xa 2>&1)"
  setfattr -x user.k xa
  is "removexattr" "No such attribute" "$(getfattr -n user.k xa 2>&1 | grep -o 'No such attribute')"
  is "removing a missing xattr fails" "No such attribute" "$(setfattr -x user.nope xa 2>&1 | grep -o 'No such attribute')"
  big="$(head -c 3000 /dev/zero | tr '\0' 'z')"
  setfattr -n user.big -v "$big" xa
  is "a 3000-byte value round-trips" 3000 "$(getfattr --only-values -n user.big xa | wc -c)"
  mkdir xd; setfattr -n user.d -v dv xd
  is "xattr on a directory" dv "$(getfattr --only-values -n user.d xd 2>&1)"
  chmod 0644 xa
  is "no xattr write without write permission" denied "$(setpriv --reuid=$N --regid=$N --clear-groups setfattr -n user.n -v 1 xa 2>&1 | grep -q 'Permission denied' && echo denied)"
fi

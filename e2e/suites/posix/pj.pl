# One system call, pjdfstest style: perl pj.pl OP ARGS... prints 0 on success or the errno name (EEXIST, ...).
use strict; use warnings; use Fcntl; use POSIX ();
my %flag = (O_RDONLY => O_RDONLY, O_WRONLY => O_WRONLY, O_RDWR => O_RDWR, O_CREAT => O_CREAT, O_EXCL => O_EXCL,
            O_TRUNC => O_TRUNC, O_APPEND => O_APPEND, O_DIRECTORY => O_DIRECTORY, O_NOFOLLOW => O_NOFOLLOW,
            O_NONBLOCK => O_NONBLOCK);
sub flags { my $f = 0; for (split /,/, shift) { die "unknown flag $_\n" unless exists $flag{$_}; $f |= $flag{$_} } $f }
my ($op, @a) = @ARGV;
my %sys = (unlink => 87, mknod => 133);  # x86_64: exact errno without Perl's own checks
$! = 0;
my $ok =
    $op eq 'open'      ? sysopen(my $fh, $a[0], flags($a[1]), oct($a[2] // '0644')) :
    $op eq 'mkdir'     ? mkdir($a[0], oct $a[1]) :
    $op eq 'rmdir'     ? rmdir($a[0]) :
    $op eq 'unlink'    ? syscall($sys{unlink}, $a[0]) == 0 :
    $op eq 'link'      ? link($a[0], $a[1]) :
    $op eq 'symlink'   ? symlink($a[0], $a[1]) :
    $op eq 'rename'    ? rename($a[0], $a[1]) :
    $op eq 'chmod'     ? chmod(oct $a[1], $a[0]) :
    $op eq 'chown'     ? chown($a[1], $a[2], $a[0]) :
    $op eq 'lchown'    ? POSIX::lchown($a[1], $a[2], $a[0]) :
    $op eq 'truncate'  ? truncate($a[0], $a[1]) :
    $op eq 'mkfifo'    ? POSIX::mkfifo($a[0], oct $a[1]) :
    $op eq 'mknod'     ? syscall($sys{mknod}, $a[0], oct($a[1]), $a[2] + 0) == 0 :
    $op eq 'utime_now' ? utime(undef, undef, $a[0]) :
    $op eq 'utime'     ? utime($a[1], $a[2], $a[0]) :
    die "pj: unknown op $op\n";
if ($ok) { print "0\n"; exit 0 }
my ($name) = grep { $!{$_} } keys %!;
print(($name // 'errno' . ($! + 0)), "\n");

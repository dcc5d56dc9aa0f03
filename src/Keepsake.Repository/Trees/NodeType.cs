namespace Keepsake.Repository.Trees;

/// <summary>A tree entry's kind; the JSON value is the lower-case name ("file", "dir", "symlink", "dev", "chardev", "fifo", "socket", "irregular").</summary>
public enum NodeType
{
    File,
    Dir,
    Symlink,
    Dev,
    CharDev,
    Fifo,
    Socket,
    Irregular,
}

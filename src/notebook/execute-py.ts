/**
 * The Python side of the notebook runner: executes one notebook with nbclient (a real Jupyter client)
 * and reports the first failing cell. Kept as a string so the runner needs no file besides our build.
 * argv: input.ipynb output.ipynb result.json kernel_name cell_timeout_s working_dir
 */
export const EXECUTE_NOTEBOOK_PY = String.raw`
import json, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

src, out, result_path, kernel, timeout, cwd = sys.argv[1:7]
nb = nbformat.read(src, as_version=4)
failed = {}

def on_cell_error(cell, cell_index, execute_reply):
    if 'cell' not in failed:
        c = execute_reply.get('content', {})
        failed.update(cell=cell_index, ename=c.get('ename'), evalue=c.get('evalue'))

client = NotebookClient(nb, kernel_name=kernel, timeout=int(timeout), allow_errors=False, record_timing=False,
                        skip_cells_with_tag='skip-execution', on_cell_error=on_cell_error,
                        resources={'metadata': {'path': cwd}})
t0 = time.time()
error = None
try:
    client.execute()
except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
    error = {'type': type(e).__name__, 'cell': failed.get('cell'), 'message': str(e)[-4000:]}
    if failed.get('cell') is not None:
        cell = nb.cells[failed['cell']]
        err = ''.join(o.get('text', '') for o in cell.get('outputs', []) if o.get('name') == 'stderr')
        if err.strip():
            error['message'] = err[-4000:]
except Exception as e:
    error = {'type': type(e).__name__, 'cell': None, 'message': str(e)[-4000:]}
nbformat.write(nb, out)
with open(result_path, 'w') as f:
    json.dump({'seconds': time.time() - t0, 'error': error}, f)
`;

import { renderStatus } from '@/src/extension/popup-view';
import { readStatus } from '@/src/extension/status';

const root = document.getElementById('app')!;
const draw = async () => root.replaceChildren(renderStatus(document, await readStatus(), Date.now()));
void draw();
browser.storage.onChanged.addListener((_changes, area) => area === 'local' && void draw());

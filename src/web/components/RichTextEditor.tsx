/**
 * A small rich-text editor (paragraphs, bold, italic, headings, lists, links) on contentEditable.
 * What it produces is cleaned again by the server (sanitize-html) before anyone sees it.
 */
import {
  BoldOutlined,
  ClearOutlined,
  ItalicOutlined,
  LinkOutlined,
  OrderedListOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Space, Tooltip } from 'antd';
import { useEffect, useRef } from 'react';

type Command = { label: string; icon: React.ReactNode; run: () => void };

function exec(command: string, value?: string) {
  // execCommand is deprecated but still the only editing API every browser implements.
  document.execCommand(command, false, value);
}

export function RichTextEditor(props: {
  value?: string;
  onChange?: (html: string) => void;
  id?: string;
  placeholder?: string;
  'aria-label'?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);

  // Follow outside changes (initial value, reset) without disturbing the caret while typing.
  useEffect(() => {
    const el = ref.current;
    if (el && (props.value ?? '') !== el.innerHTML) el.innerHTML = props.value ?? '';
  }, [props.value]);

  const emit = () => {
    const el = ref.current;
    if (!el) return;
    const html = el.innerHTML;
    props.onChange?.(el.textContent?.trim() || html.includes('<li') ? html : '');
  };
  const run = (command: string, value?: string) => () => {
    ref.current?.focus();
    exec(command, value);
    emit();
  };

  const commands: Command[] = [
    { label: '加粗', icon: <BoldOutlined />, run: run('bold') },
    { label: '斜体', icon: <ItalicOutlined />, run: run('italic') },
    { label: '小标题', icon: <span className="rte-h">H</span>, run: run('formatBlock', 'h3') },
    { label: '正文', icon: <span className="rte-h">P</span>, run: run('formatBlock', 'p') },
    { label: '项目符号列表', icon: <UnorderedListOutlined />, run: run('insertUnorderedList') },
    { label: '编号列表', icon: <OrderedListOutlined />, run: run('insertOrderedList') },
    {
      label: '插入链接',
      icon: <LinkOutlined />,
      run: () => {
        const url = window.prompt('链接地址（http:// 或 https:// 开头）', 'https://');
        if (url && /^https?:\/\//.test(url)) run('createLink', url)();
      },
    },
    { label: '清除格式', icon: <ClearOutlined />, run: run('removeFormat') },
  ];

  return (
    <div className="rte">
      <Space size={2} wrap className="rte-toolbar" role="toolbar" aria-label="格式">
        {commands.map((c) => (
          <Tooltip key={c.label} title={c.label}>
            <Button
              type="text"
              size="small"
              icon={c.icon}
              aria-label={c.label}
              onMouseDown={(e) => e.preventDefault()}
              onClick={c.run}
            />
          </Tooltip>
        ))}
      </Space>
      {/* biome-ignore lint/a11y/useSemanticElements: a rich-text editing surface cannot be a textarea */}
      <div
        ref={ref}
        id={props.id}
        className="rte-body rich-text"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        tabIndex={0}
        aria-multiline="true"
        aria-label={props['aria-label']}
        data-placeholder={props.placeholder}
        onFocus={() => exec('defaultParagraphSeparator', 'p')}
        onInput={emit}
        onBlur={emit}
      />
    </div>
  );
}
